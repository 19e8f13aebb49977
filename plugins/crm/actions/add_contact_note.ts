import Note from '#crm/models/note'
import type CrmContact from '#crm/models/crm_contact'

/** A note on the contact for the team (on its timeline; never sent). */
export function addContactNote(contact: CrmContact, authorId: number, body: string) {
  return Note.create({ workspaceId: contact.workspaceId, contactId: contact.id, authorId, body })
}
