import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'

/** What an erased contact's notes say instead: the note (author, time, mentions of members) stays in the conversation's history. */
export const REDACTED_NOTE = '[redacted]'

/**
 * A contact's erasure (GDPR, `contact.erased`) reaches the inbox's own rows: the internal notes
 * on its conversations are about that person, so their text goes as the messages' content did.
 */
export function tapContactErasure(plugin: string) {
  hooks.tap('contact.erased', { plugin }, async ({ workspaceId, contactId }) => {
    await db
      .from('inbox_notes')
      .where('workspace_id', workspaceId)
      .whereIn('conversation_id', (conversations) => conversations.from('conversations').where('workspace_id', workspaceId).where('contact_id', contactId).select('id'))
      .update({ body: REDACTED_NOTE })
  })
}
