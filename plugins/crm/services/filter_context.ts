import db from '@adonisjs/lucid/services/db'
import Field from '#crm/models/field'
import Tag from '#crm/models/tag'
import { listedContexts } from '#crm/services/filter_context_cache'
import type { FilterContext } from '#crm/services/contact_filter'

async function fieldsAndTags(workspaceId: number) {
  const [fields, tags] = await Promise.all([Field.ofWorkspace(workspaceId), Tag.ofWorkspace(workspaceId)])
  return { fields, tags }
}

/** The workspace's custom fields, tags and time zone: what its filters are checked and compiled against. */
export async function loadFilterContext(workspaceId: number, timezone?: string): Promise<FilterContext> {
  const { fields, tags } = await fieldsAndTags(workspaceId)
  const zone = timezone ?? (await db.from('workspaces').where('id', workspaceId).select('timezone').first())?.timezone
  return { fields, tags, timezone: (zone as string | undefined) || 'UTC' }
}

/** `loadFilterContext` for the list's hot requests, from the process cache (at most 30 s stale if a forget is missed). */
export async function listFilterContext(workspaceId: number, timezone: string): Promise<FilterContext> {
  const { fields, tags } = await listedContexts.get(workspaceId, () => fieldsAndTags(workspaceId))
  return { fields, tags, timezone: timezone || 'UTC' }
}
