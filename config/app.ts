import env from '#start/env'
import { Secret } from '@adonisjs/core/helpers'
import { defineConfig } from '@adonisjs/core/http'
import proxyAddr from 'proxy-addr'

/**
 * APP_KEY signs cookies and encrypts secrets at rest (provider tokens, TOTP secrets).
 */
export const appKey = new Secret(env.get('APP_KEY'))

export const http = defineConfig({
  // Ids come from the Node server in front (app/core/http_server.ts: a UUID, cheaper than the framework's cuid2).
  generateRequestId: false,
  allowMethodSpoofing: true,
  // Off: nothing calls HttpContext.get(), and its promise hooks cost every request (the token API
  // served ~45 % more requests a second without them, bench "pages", 2026-12-02).
  useAsyncLocalStorage: false,
  // X-Forwarded-For / -Host are believed only from these addresses (proxy-addr syntax): the
  // reverse proxy in front of the app. Anyone else could otherwise pick their own IP and
  // slip past the per-IP login limits.
  trustProxy: proxyAddr.compile(
    env
      .get('TRUSTED_PROXIES', 'loopback, uniquelocal')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
  ),
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
