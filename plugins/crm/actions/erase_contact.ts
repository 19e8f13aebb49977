import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import drive from '@adonisjs/drive/services/main'
import { hooks } from '#hooks/bus'
import AuditLog from '#audit/audit_log'
import CrmContact from '#crm/models/crm_contact'
import ContactEvent from '#crm/models/contact_event'

/** What an erased message's content becomes: the row (time, direction, status) stays for the conversation's history and counts. */
export const REDACTED_CONTENT = { redacted: true, body: '[redacted]' }

/**
 * Erases a contact's personal data (a GDPR erasure request, art. 17): every message of its
 * conversations keeps its row with the content replaced by the redaction marker; its media rows
 * go, and their files on the drive unless another message shares the file (media is stored by
 * content hash); its notes, tags and timeline go; the contact keeps only its id and counters,
 * with the phone replaced (`erased:<id>`) so the same number writing again is a new contact.
 * Recorded in the audit log (who, which contact, how much) and announced on `contact.erased`.
 */
export async function eraseContact(contact: CrmContact, actorId: number, workspace: { id: number; organizationId: number }) {
  const result = await db.transaction(async (trx) => {
    const row = await CrmContact.query({ client: trx }).where('workspace_id', contact.workspaceId).where('id', contact.id).forUpdate().firstOrFail()
    const ofContact = trx.from('conversations').where('workspace_id', row.workspaceId).where('contact_id', row.id).select('id')
    const messageIds = trx.from('messages').where('workspace_id', row.workspaceId).whereIn('conversation_id', ofContact).select('id')
    const media: { path: string }[] = await trx.from('media').where('workspace_id', row.workspaceId).whereIn('message_id', messageIds).delete().returning('path')
    const redacted = await trx.from('messages').where('workspace_id', row.workspaceId).whereIn('conversation_id', ofContact).update({ content: JSON.stringify(REDACTED_CONTENT), updated_at: new Date() })
    for (const table of ['crm_notes', 'crm_contact_events', 'crm_contact_tags']) await trx.from(table).where('workspace_id', row.workspaceId).where('contact_id', row.id).delete()
    row.merge({
      name: null,
      profileName: null,
      email: null,
      phone: `erased:${row.id}`,
      waId: null,
      locale: null,
      attributes: {},
      optInStatus: 'unknown',
      optInSource: null,
      optInAt: null,
      ownerId: null,
    })
    await row.useTransaction(trx).save()
    await ContactEvent.create({ workspaceId: row.workspaceId, contactId: row.id, actorId, kind: 'erased', data: { kind: 'erased', at: DateTime.now().toISO()! } }, { client: trx })
    contact.merge({ ...row.$attributes })
    return { media: media.map((item) => item.path), messages: Number(redacted) }
  })
  // Files after the commit (a rollback must not lose them); a file another media row still uses stays.
  let files = 0
  for (const path of new Set(result.media)) {
    if (await db.from('media').where('path', path).first()) continue
    await drive.use().delete(path)
    files++
  }
  await AuditLog.recordIn(workspace, 'contact.erased', actorId, { contactId: contact.id, messagesRedacted: result.messages, filesDeleted: files })
  await hooks.emit('contact.erased', { workspaceId: contact.workspaceId, contactId: contact.id, actorId })
  return { messages: result.messages, files }
}
