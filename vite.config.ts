import { readdirSync } from 'node:fs'
import { defineConfig } from 'vite'
import adonisjs from '@adonisjs/vite/client'
import tailwindcss from '@tailwindcss/vite'

/** A plugin's own browser scripts, plugins/<name>/resources/*.js, which its pages load with @vite. */
const pluginScripts = readdirSync('plugins', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((plugin) => {
    try {
      return readdirSync(`plugins/${plugin.name}/resources`).filter((file) => file.endsWith('.js')).map((file) => `plugins/${plugin.name}/resources/${file}`)
    } catch {
      return []
    }
  })

export default defineConfig({
  plugins: [
    tailwindcss(),
    adonisjs({
      entrypoints: ['resources/css/app.css', 'resources/js/app.js', ...pluginScripts],
      reload: ['resources/views/**/*.edge'],
    }),
  ],
  server: {
    // White-label custom domains reach the app (and so the dev server) under any host name.
    allowedHosts: true,
    // Tests run the dev server in-process; they need no hot reload (nor its WebSocket port).
    ...(process.env.NODE_ENV === 'test' ? { hmr: false, ws: false } : {}),
  },
})
