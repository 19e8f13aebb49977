import env from '#start/env'
import { defineConfig, stores } from '@adonisjs/session'
import { CookieSessionStore } from '#auth/cookie_session_store'

const sessionConfig = defineConfig({
  enabled: true,
  cookieName: 'sb-session',
  clearWithBrowser: false,
  age: '14d',
  cookie: {
    path: '/',
    httpOnly: true,
    // Secure cookies whenever the app is served over HTTPS (APP_URL says so).
    secure: env.get('APP_URL', '').startsWith('https://'),
    sameSite: 'lax',
  },
  store: env.get('SESSION_DRIVER'),
  stores: {
    // The framework's cookie store, re-encrypting the cookie only when needed (see the class).
    cookie: (ctx, config) => new CookieSessionStore(config.cookie, ctx),
    redis: stores.redis({ connection: 'main' }),
  },
})

export default sessionConfig
