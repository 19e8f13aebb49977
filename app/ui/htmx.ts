import type { HttpContext } from '@adonisjs/core/http'

/**
 * Does this request want a fragment of the page (an HTMX swap) rather than the whole page?
 * Boosted links and forms, and htmx restoring a page missing from its history cache, want
 * the whole page; so does every plain browser request.
 */
export function wantsFragment({ request }: HttpContext) {
  return !!request.header('hx-request') && !request.header('hx-boosted') && !request.header('hx-history-restore-request')
}
