import { defineJob } from '#jobs/registry'
import ContactExport from '#crm/models/contact_export'
import { runExport } from '#crm/services/export_contacts'

/** Writes an export's file (services/export_contacts.ts); retried from the start, it writes a new file. */
export const exportContacts = defineJob<{ workspaceId: number; exportId: number }>({
  name: 'crm.exportContacts',
  attempts: 2,
  async handle({ workspaceId, exportId }) {
    const contactExport = await ContactExport.query().where('workspace_id', workspaceId).where('id', exportId).first()
    if (!contactExport || contactExport.status === 'done') return
    contactExport.processed = 0
    await runExport(contactExport)
  },
})
