import { defineJob } from '#jobs/registry'
import ContactImport from '#crm/models/contact_import'
import { runImport } from '#crm/services/import_contacts'

/**
 * Imports an uploaded file once its mapping is confirmed. One attempt: a retry would write the
 * rows before the failure twice over; a failed import says where it stopped and keeps its report.
 */
export const importContacts = defineJob<{ workspaceId: number; importId: number }>({
  name: 'crm.importContacts',
  attempts: 1,
  async handle({ workspaceId, importId }) {
    const contactImport = await ContactImport.query().where('workspace_id', workspaceId).where('id', importId).first()
    if (!contactImport || contactImport.status !== 'queued') return
    await runImport(contactImport)
  },
})
