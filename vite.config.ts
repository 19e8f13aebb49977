import { defineConfig } from 'vite'
import adonisjs from '@adonisjs/vite/client'
import tailwindcss from '@tailwindcss/vite'

export default defineConfig({
  plugins: [
    tailwindcss(),
    adonisjs({
      entrypoints: ['resources/css/app.css', 'resources/js/app.js'],
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
