/**
 * `records` (contacts) for sandboxed marketplace scripts (app/sandbox/capabilities.ts): read a
 * contact of the installation's workspace, tag or untag it through the CRM's own `tagContact`
 * (timeline entry, `contact.tagged`). A tag named that does not exist yet is created when adding.
 * Registered from the plugin's setup (the core imports no plugin).
 */
import type { RecordsBinding } from '#sandbox/capabilities'
import { CapabilityError } from '#sandbox/protocol'
import { pluginEnablement } from '#plugins/enablement'
import CrmContact from '#crm/models/crm_contact'
import Tag from '#crm/models/tag'
import { saveTag } from '#crm/actions/save_tag'
import { tagContact } from '#crm/actions/tag_contact'

const NEW_TAG_COLOR = '#6366f1'

async function contactOf(workspaceId: number, contactId: number) {
  if (!pluginEnablement.isEnabled('crm', workspaceId)) throw new CapabilityError('records: the CRM is off in this workspace')
  return CrmContact.query().where('workspace_id', workspaceId).where('id', contactId).first()
}

export const recordsBinding: RecordsBinding = {
  async getContact(workspaceId, contactId) {
    const contact = await contactOf(workspaceId, contactId)
    if (!contact) return null
    const tags = await Tag.query()
      .join('crm_contact_tags as ct', 'ct.tag_id', 'crm_tags.id')
      .where('ct.workspace_id', workspaceId)
      .where('ct.contact_id', contact.id)
      .orderBy('crm_tags.name')
      .select('crm_tags.name')
    return { id: contact.id, name: contact.displayName, phone: contact.phone, email: contact.email, locale: contact.locale, tags: tags.map((tag) => tag.name) }
  },

  async tagContact(workspaceId, contactId, name, added) {
    const contact = await contactOf(workspaceId, contactId)
    if (!contact) throw new CapabilityError('records: no such contact in this workspace')
    const tag =
      (await Tag.query().where('workspace_id', workspaceId).whereRaw('lower(name) = lower(?)', [name]).first()) ??
      (added ? await saveTag(workspaceId, { name, color: NEW_TAG_COLOR }) : null)
    if (!tag) return false
    return tagContact(contact, tag, added, null)
  },
}
