import { defineJob } from '#jobs/registry'
import BulkAction from '#crm/models/bulk_action'
import { runBulk } from '#crm/services/bulk_actions'

/** Runs a large bulk action (services/bulk_actions.ts). One attempt: what committed stays, the rest is reported failed. */
export const bulkContacts = defineJob<{ workspaceId: number; bulkId: number }>({
  name: 'crm.bulkContacts',
  attempts: 1,
  async handle({ workspaceId, bulkId }) {
    const bulk = await BulkAction.query().where('workspace_id', workspaceId).where('id', bulkId).first()
    if (!bulk || bulk.status !== 'queued') return
    await runBulk(bulk)
  },
})
