import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import BulkAction from '#crm/models/bulk_action'

const PURGE_BATCH = 1000

/**
 * Removes the contacts a bulk delete hid, once its undo window is over (unless it was undone):
 * 1,000 per statement (each contact's conversations, messages, tags and events go with it by
 * their foreign keys), each announced on `contact.deleted`. A contact who wrote after the
 * delete (an inbound message found the hidden row) comes back instead of losing that message.
 */
export async function purgeDeletedContacts(workspaceId: number, bulkId: number) {
  const bulk = await BulkAction.query().where('workspace_id', workspaceId).where('id', bulkId).first()
  if (!bulk) return
  // Claimed first: an undo from now on finds it purged (and one before left undone_at set).
  const claimed = await db.from('crm_bulk_actions').where('id', bulk.id).whereNull('undone_at').whereNull('purged_at').update({ purged_at: new Date() }, ['id'])
  if (!claimed.length) return
  await db.rawQuery('update contacts set hidden_by = null where workspace_id = ? and hidden_by = ? and last_seen_at > ?', [workspaceId, bulk.id, bulk.createdAt.toJSDate()])
  while (true) {
    const { rows } = await db.rawQuery(
      `delete from contacts where workspace_id = ? and id in (select id from contacts where workspace_id = ? and hidden_by = ? limit ${PURGE_BATCH}) returning id`,
      [workspaceId, workspaceId, bulk.id]
    )
    for (const row of rows) await hooks.emit('contact.deleted', { workspaceId, contactId: Number(row.id), actorId: bulk.userId })
    if (rows.length < PURGE_BATCH) return
  }
}
