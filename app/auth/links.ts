import env from '#start/env'
import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * Absolute URL for a route, for e-mails. Never built from a raw Host header (that would let
 * anyone send a victim a reset link to their own server): it is APP_URL, or — on a request
 * that came in on an organization's verified custom domain — that domain, so a branded
 * domain's mails link back to it.
 */
export function absoluteUrl(route: string, params: Record<string, string | number>, ctx?: HttpContext) {
  const appUrl = new URL(env.get('APP_URL', 'http://localhost:3333'))
  const brandedHost = ctx?.brand?.organizationId ? ctx.request.hostname() : null
  // A custom domain is served on its scheme's default port (behind the operator's proxy).
  const base = brandedHost ? `${appUrl.protocol}//${brandedHost}` : appUrl.origin
  return base + router.makeUrl(route, params)
}
