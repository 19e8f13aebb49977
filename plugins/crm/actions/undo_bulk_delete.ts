import db from '@adonisjs/lucid/services/db'
import type BulkAction from '#crm/models/bulk_action'

/**
 * Undoes a bulk delete while its contacts are not purged: they come back as they were (tags,
 * fields, conversations never left). Null when it is too late (purged) or not an undoable delete.
 */
export async function undoBulkDelete(bulk: BulkAction) {
  return db.transaction(async (trx) => {
    const claimed = await trx
      .from('crm_bulk_actions')
      .where('id', bulk.id)
      .where('action', 'delete')
      .where('status', 'done')
      .whereNull('undone_at')
      .whereNull('purged_at')
      .update({ undone_at: new Date() }, ['id'])
    if (!claimed.length) return null
    const { rows } = await trx.rawQuery('update contacts set hidden_by = null where workspace_id = ? and hidden_by = ? returning id', [bulk.workspaceId, bulk.id])
    return rows.length as number
  })
}
