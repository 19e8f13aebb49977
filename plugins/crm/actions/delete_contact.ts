import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import type CrmContact from '#crm/models/crm_contact'

/** Deletes a contact now (the API; the list's bulk delete waits out its undo window): its conversations, tags and timeline go by their foreign keys. */
export async function deleteContact(contact: CrmContact, actorId: number | null) {
  await db.from('contacts').where('workspace_id', contact.workspaceId).where('id', contact.id).delete()
  await hooks.emit('contact.deleted', { workspaceId: contact.workspaceId, contactId: contact.id, actorId })
}
