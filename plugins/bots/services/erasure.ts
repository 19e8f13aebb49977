import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'

/**
 * A contact's erasure (GDPR, `contact.erased`) reaches the bots' rows: what its sessions
 * collected (answers, values fetched for it) lives in their variables, which are emptied; the
 * sessions themselves (flow, node, status) stay for the flows' statistics.
 */
export function tapContactErasure(plugin: string) {
  hooks.tap('contact.erased', { plugin }, async ({ workspaceId, contactId }) => {
    await db.from('bot_sessions').where('workspace_id', workspaceId).where('contact_id', contactId).update({ variables: {}, last_error: null, updated_at: new Date() })
  })
}
