import { definePlugin } from '#plugins/define_plugin'
import { capabilityBindings } from '#sandbox/capabilities'
import { recordsBinding } from '#crm/marketplace_binding'
import { registerAuditActions } from '#audit/audit_log'
import { apiDocs } from '#core/api_docs'
import { crmApiDocs } from '#crm/openapi'
import { defineCrmHooks } from '#crm/hooks'
import { sidebarCard } from '#crm/services/contact_card'
import { importContacts } from '#crm/jobs/import_contacts'
import { exportContacts } from '#crm/jobs/export_contacts'
import { bulkContacts } from '#crm/jobs/bulk_contacts'
import { purgeContacts } from '#crm/jobs/purge_contacts'

declare module '#audit/audit_log' {
  interface PluginAuditActions {
    'contact.exported': true
    'contact.erased': true
  }
}

/**
 * The CRM (issue 6) on the messaging kernel's contacts: the contacts list with its filter
 * builder and saved segments, the contact card with its timeline, tags and custom fields.
 * README.md says what is here, the indexes behind it, and what comes next.
 */
export default definePlugin({
  name: 'crm',
  version: '0.1.0',
  description: 'Contacts: list, filters and segments, the contact card and its timeline, tags and custom fields',
  requires: { core: '^0.1.0', plugins: { messaging: '^0.1.0' } },
  abilities: {
    'crm.view': { description: 'See contacts, their cards and segments', roles: ['owner', 'admin', 'agent', 'viewer'] },
    'crm.edit': { description: 'Edit contacts: fields, tags, consent, notes; save segments', roles: ['owner', 'admin', 'agent'] },
    'crm.manage': { description: 'Define the workspace’s custom fields and tags', roles: ['owner', 'admin'] },
    'crm.import': { description: 'Import contacts from CSV and Excel files', roles: ['owner', 'admin'] },
    'crm.export': { description: 'Export contacts to CSV and Excel files', roles: ['owner', 'admin'] },
    'crm.delete': { description: 'Delete contacts (with their conversations)', roles: ['owner', 'admin'] },
    'crm.gdpr': { description: 'Export everything about a contact, and erase a contact’s personal data (GDPR)', roles: ['owner', 'admin'] },
  },
  navigation: [
    { label: 'crm.nav', icon: 'users', route: 'crm.contacts.index', ability: 'crm.view', section: 'main', order: 15 },
    { label: 'crm.settings.nav', icon: 'cog', route: 'crm.settings.fields.index', ability: 'crm.manage', section: 'settings', order: 25 },
  ],
  slots: {
    'contact.sidebar': { view: 'crm::components/sidebar_card', ability: 'crm.view', order: 10, load: sidebarCard },
  },
  jobs: [importContacts, exportContacts, bulkContacts, purgeContacts],
  hooks: {
    provides: ['contact.updated', 'contact.tagged', 'contact.merged', 'contact.deleted', 'crm.timeline'],
  },
  // Children before parents. The columns the CRM adds to contacts (e-mail, owner) go with the contacts.
  data: { tables: ['crm_bulk_actions', 'crm_imports', 'crm_exports', 'crm_list_columns', 'crm_notes', 'crm_contact_events', 'crm_segments', 'crm_contact_tags', 'crm_tags', 'crm_fields'] },
  setup() {
    defineCrmHooks()
    // Marketplace scripts granted `records` read and tag contacts through the CRM, in their workspace only.
    capabilityBindings.records = recordsBinding
    registerAuditActions('contact.exported', 'contact.erased')
    apiDocs.add(crmApiDocs)
  },
})
