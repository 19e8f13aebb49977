import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import Tokens from 'csrf'
import { http } from '#config/app'

export const CSRF_COOKIE = 'XSRF-TOKEN'
// Shield keeps the session's CSRF secret under this key (its CsrfGuard), and checks tokens with
// this same library.
const SECRET_KEY = 'csrf-secret'
const tokens = new Tokens()
// secret → the token its browser was last seen holding. csrf's verify draws 32 random bytes for
// a constant-time comparison each call; a browser re-sends the same token on every request.
const seen = new Map<string, string>()
const MAX_SEEN = 20_000

/**
 * Gives the browser's scripts a CSRF token in a cookie they can read (HTMX and pages' own
 * fetches send it back as X-CSRF-TOKEN), after shield, which made the session's secret and
 * checks the token. Shield's own XSRF cookie is off: it encrypted a new token and re-sent the
 * cookie on every response. Here the cookie is sent only when the browser's is not a valid
 * token of the session's secret (a new session, another secret, or no cookie), as a
 * browser-session cookie, so it cannot expire under an open page. The token is no more secret
 * than the one in every form: any page of this origin may read it, no other site can.
 */
export default class CsrfCookieMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const secret = ctx.session.get(SECRET_KEY)
    if (typeof secret === 'string' && !holdsToken(secret, ctx.request.cookiesList()[CSRF_COOKIE])) {
      // Tokens are URL-safe base64 (`salt-hash`): nothing to encode.
      ctx.response.append(
        'set-cookie',
        `${CSRF_COOKIE}=${ctx.request.csrfToken}; Path=/; SameSite=Lax${http.cookie.secure ? '; Secure' : ''}`
      )
    }
    return next()
  }
}

function holdsToken(secret: string, token: unknown) {
  if (typeof token !== 'string') return false
  if (seen.get(secret) === token) return true
  if (!tokens.verify(secret, token)) return false
  if (seen.size >= MAX_SEEN) seen.clear()
  seen.set(secret, token)
  return true
}
