import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/lucid'
import { installedPlugins } from '#plugins/installed'
import pg from 'pg'

// bigint ids (messages, contacts) arrive as numbers, not strings: they stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number.parseInt(value, 10))

// Core first, then each plugin's, in dependency order: Lucid runs the paths in this order. Relative,
// because Lucid records migrations by path: the app may move (a clone, a build, a container).
const plugins = await installedPlugins()
const pluginMigrations = plugins.flatMap((plugin) => (plugin.paths.migrations ? [app.relativePath(plugin.paths.migrations)] : []))
const pluginSeeders = plugins.flatMap((plugin) => (plugin.paths.seeders ? [app.relativePath(plugin.paths.seeders)] : []))

const dbConfig = defineConfig({
  connection: 'postgres',
  connections: {
    postgres: {
      client: 'pg',
      connection: {
        host: env.get('DB_HOST'),
        port: env.get('DB_PORT'),
        user: env.get('DB_USER'),
        password: env.get('DB_PASSWORD'),
        database: env.get('DB_DATABASE'),
      },
      pool: { min: 0, max: 20 },
      migrations: {
        naturalSort: true,
        paths: ['database/migrations', ...pluginMigrations],
      },
      seeders: {
        paths: ['database/seeders', ...pluginSeeders],
      },
    },
  },
})

export default dbConfig
