import env from '#start/env'
import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * Absolute URL for a route, for e-mails: on the request's own host when there is one
 * (so a branded domain's mails link back to it), else APP_URL.
 */
export function absoluteUrl(route: string, params: Record<string, string | number>, ctx?: HttpContext) {
  const base = ctx ? `${ctx.request.protocol()}://${ctx.request.host()}` : env.get('APP_URL', 'http://localhost:3333')
  return base.replace(/\/$/, '') + router.makeUrl(route, params)
}
