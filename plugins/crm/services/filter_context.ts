import db from '@adonisjs/lucid/services/db'
import Field from '#crm/models/field'
import Tag from '#crm/models/tag'
import type { FilterContext } from '#crm/services/contact_filter'

/** The workspace's custom fields, tags and time zone: what its filters are checked and compiled against. */
export async function loadFilterContext(workspaceId: number, timezone?: string): Promise<FilterContext> {
  const [fields, tags, zone] = await Promise.all([
    Field.ofWorkspace(workspaceId),
    Tag.ofWorkspace(workspaceId),
    timezone ?? db.from('workspaces').where('id', workspaceId).select('timezone').first().then((row) => row?.timezone as string | undefined),
  ])
  return { fields, tags, timezone: zone || 'UTC' }
}
