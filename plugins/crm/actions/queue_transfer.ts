import { jobs } from '#jobs/registry'
import type ContactImport from '#crm/models/contact_import'
import type { ImportOptions } from '#crm/models/contact_import'
import ContactExport, { type ExportQuery } from '#crm/models/contact_export'
import { importContacts } from '#crm/jobs/import_contacts'
import { exportContacts } from '#crm/jobs/export_contacts'

/** Confirms a draft import's options and queues it (once: a queued or finished import stays as it is). */
export async function queueImport(contactImport: ContactImport, options: ImportOptions) {
  contactImport.merge({ options, status: 'queued' })
  await contactImport.save()
  await jobs.dispatch(importContacts, { workspaceId: contactImport.workspaceId, importId: contactImport.id })
}

/** Records an export of what a list shows and queues it. */
export async function queueExport(workspaceId: number, userId: number, format: 'csv' | 'xlsx', query: ExportQuery) {
  const contactExport = await ContactExport.create({ workspaceId, userId, status: 'queued', format, query })
  await jobs.dispatch(exportContacts, { workspaceId, exportId: contactExport.id })
  return contactExport
}
