import env from '#start/env'
import { Secret } from '@adonisjs/core/helpers'
import { defineConfig } from '@adonisjs/core/http'

/**
 * APP_KEY signs cookies and encrypts secrets at rest (provider tokens, TOTP secrets).
 */
export const appKey = new Secret(env.get('APP_KEY'))

export const http = defineConfig({
  generateRequestId: true,
  allowMethodSpoofing: true,
  useAsyncLocalStorage: true,
  // Behind Docker / a load balancer the client address comes from X-Forwarded-For.
  trustProxy: () => true,
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    // Secure cookies whenever the app is served over HTTPS (APP_URL says so).
    secure: env.get('APP_URL', '').startsWith('https://'),
    sameSite: 'lax',
  },
})
