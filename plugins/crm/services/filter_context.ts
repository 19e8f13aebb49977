import db from '@adonisjs/lucid/services/db'
import Field from '#crm/models/field'
import Tag from '#crm/models/tag'
import type { FilterContext } from '#crm/services/contact_filter'

/** The workspace's custom fields, tags and time zone: what its filters are checked and compiled against. */
export async function loadFilterContext(workspaceId: number, timezone?: string): Promise<FilterContext> {
  const fields = await Field.ofWorkspace(workspaceId)
  const tags = await Tag.ofWorkspace(workspaceId)
  const zone = timezone ?? (await db.from('workspaces').where('id', workspaceId).select('timezone').first())?.timezone
  return { fields, tags, timezone: (zone as string | undefined) || 'UTC' }
}
