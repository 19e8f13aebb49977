import env from '#start/env'
import db from '@adonisjs/lucid/services/db'
import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * Absolute URL for a route, for e-mails. Never built from a raw Host header (that would let
 * anyone send a victim a link to their own server): it is APP_URL, or the custom domain the
 * request came in on when that domain belongs to `organizationId` — the organization the
 * recipient is part of — so a branded domain's mails link back to it. (Anyone may register an
 * organization with a domain; only the recipient's own organizations' domains are trusted.)
 */
export function absoluteUrl(
  route: string,
  params: Record<string, string | number>,
  ctx?: HttpContext,
  recipientOrganizationIds: number[] = []
) {
  const appUrl = new URL(env.get('APP_URL', 'http://localhost:3333'))
  const brandOrganization = ctx?.brand?.organizationId
  const trusted = !!brandOrganization && recipientOrganizationIds.includes(brandOrganization)
  // A custom domain is served on its scheme's default port (behind the operator's proxy).
  const base = trusted ? `${appUrl.protocol}//${ctx!.request.hostname()}` : appUrl.origin
  return base + router.makeUrl(route, params)
}

/** The organizations a user belongs to: through workspace memberships or as organization staff. */
export async function organizationIdsOf(userId: number): Promise<number[]> {
  const rows = await db
    .from('workspaces')
    .select('organization_id')
    .whereIn('id', (q) => q.from('memberships').select('workspace_id').where('user_id', userId))
    .union((q) => q.from('organization_members').select('organization_id').where('user_id', userId))
  return rows.map((row) => row.organization_id as number)
}
