import { defineConfig } from '@adonisjs/core/app'

export default defineConfig({
  /*
  | Ace commands: the framework's, each package's, and ours (app/commands).
  */
  commands: [
    () => import('@adonisjs/core/commands'),
    () => import('@adonisjs/lucid/commands'),
    () => import('@adonisjs/mail/commands'),
    () => import('#plugins/commands_loader'),
  ],
  directories: {
    commands: 'app/commands',
  },

  providers: [
    () => import('@adonisjs/core/providers/app_provider'),
    () => import('@adonisjs/core/providers/hash_provider'),
    {
      file: () => import('@adonisjs/core/providers/repl_provider'),
      environment: ['repl', 'test'],
    },
    () => import('@adonisjs/core/providers/vinejs_provider'),
    () => import('@adonisjs/core/providers/edge_provider'),
    () => import('@adonisjs/session/session_provider'),
    () => import('@adonisjs/vite/vite_provider'),
    () => import('@adonisjs/shield/shield_provider'),
    () => import('@adonisjs/static/static_provider'),
    () => import('@adonisjs/cors/cors_provider'),
    () => import('@adonisjs/lucid/database_provider'),
    () => import('@adonisjs/auth/auth_provider'),
    () => import('@adonisjs/redis/redis_provider'),
    () => import('@adonisjs/limiter/limiter_provider'),
    () => import('@adonisjs/mail/mail_provider'),
    () => import('@adonisjs/i18n/i18n_provider'),
    () => import('@adonisjs/transmit/transmit_provider'),
    () => import('@adonisjs/drive/drive_provider'),
  ],

  preloads: [
    () => import('#start/events'),
    () => import('#start/plugins'),
    () => import('#start/routes'),
    () => import('#start/kernel'),
    () => import('#start/limiter'),
    () => import('#start/view'),
    () => import('#start/transmit'),
    { file: () => import('#start/jobs'), environment: ['web', 'console', 'test'] },
  ],

  tests: {
    suites: [
      // Each plugin's tests run in the same suites as the core's.
      { files: ['tests/unit/**/*.spec(.ts|.js)', 'plugins/*/tests/unit/**/*.spec(.ts|.js)'], name: 'unit', timeout: 2000 },
      { files: ['tests/functional/**/*.spec(.ts|.js)', 'plugins/*/tests/functional/**/*.spec(.ts|.js)'], name: 'functional', timeout: 30000 },
      { files: ['tests/browser/**/*.spec(.ts|.js)', 'plugins/*/tests/browser/**/*.spec(.ts|.js)'], name: 'browser', timeout: 60000 },
    ],
    forceExit: false,
  },

  metaFiles: [
    { pattern: 'resources/views/**/*.edge', reloadServer: false },
    { pattern: 'resources/lang/**/*.{json,yaml,yml}', reloadServer: false },
    { pattern: 'plugins/*/views/**/*.edge', reloadServer: false },
    { pattern: 'plugins/*/lang/**/*.{json,yaml,yml}', reloadServer: false },
    { pattern: 'app/plugins/stubs/**', reloadServer: false },
    { pattern: 'public/**', reloadServer: false },
  ],

  assetsBundler: false,
  hooks: {
    onBuildStarting: [() => import('@adonisjs/vite/build_hook')],
  },
})
