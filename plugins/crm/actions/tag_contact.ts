import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import ContactEvent from '#crm/models/contact_event'
import type CrmContact from '#crm/models/crm_contact'
import type Tag from '#crm/models/tag'

/**
 * Puts a tag on a contact (`added`) or takes it off; recorded on the timeline and announced on
 * `contact.tagged` only when it changed something (tagging twice is one change).
 */
export async function tagContact(contact: CrmContact, tag: Tag, added: boolean, actorId: number | null) {
  const changed = await db.transaction(async (trx) => {
    const keys = { workspace_id: contact.workspaceId, contact_id: contact.id, tag_id: tag.id }
    const rows = added
      ? (
          await trx.rawQuery('insert into crm_contact_tags (workspace_id, contact_id, tag_id, created_at) values (?, ?, ?, now()) on conflict do nothing returning tag_id', [
            keys.workspace_id,
            keys.contact_id,
            keys.tag_id,
          ])
        ).rows
      : await trx.from('crm_contact_tags').where(keys).delete().returning('tag_id')
    if (!rows.length) return false
    await ContactEvent.create(
      { workspaceId: contact.workspaceId, contactId: contact.id, actorId, kind: 'tag', data: { kind: 'tag', tagId: tag.id, name: tag.name, added } },
      { client: trx }
    )
    return true
  })
  if (changed) await hooks.emit('contact.tagged', { workspaceId: contact.workspaceId, contactId: contact.id, tagId: tag.id, tag: tag.name, added, actorId })
  return changed
}
