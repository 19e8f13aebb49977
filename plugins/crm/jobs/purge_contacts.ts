import { defineJob } from '#jobs/registry'
import { purgeDeletedContacts } from '#crm/services/purge_contacts'

/** Removes a bulk delete's contacts when its undo window is over (queued with that delay); a rerun finds nothing left. */
export const purgeContacts = defineJob<{ workspaceId: number; bulkId: number }>({
  name: 'crm.purgeContacts',
  async handle({ workspaceId, bulkId }) {
    await purgeDeletedContacts(workspaceId, bulkId)
  },
})
