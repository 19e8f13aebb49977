/**
 * Writes to the contact: a field, a custom attribute, a tag. Tags are a list in the contact's
 * `attributes.tags` for now; the CRM plugin will own tags, and only `changeTag` will change.
 */
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type Contact from '#messaging/models/contact'
import { tagsOf } from '#bots/services/scope'

/** `field`: name, locale or attributes.<key>. Updates the row and the loaded model. */
/** `client`: the step's transaction (a step holds one connection only). */
export async function setContactField(contact: Contact, field: string, value: string, client: TransactionClientContract) {
  if (field === 'name' || field === 'locale') {
    contact[field] = value || null
  } else {
    contact.attributes = { ...contact.attributes, [field.slice('attributes.'.length)]: value }
  }
  await saveContact(contact, client)
}

export async function changeTag(contact: Contact, action: 'add' | 'remove', tag: string, client: TransactionClientContract) {
  const tags = tagsOf(contact).filter((existing) => existing.toLowerCase() !== tag.toLowerCase())
  if (action === 'add') tags.push(tag)
  contact.attributes = { ...contact.attributes, tags }
  await saveContact(contact, client)
}

async function saveContact(contact: Contact, client: TransactionClientContract) {
  // A test chat's pretend contact is kept in its session, not in contacts.
  if (!contact.$isPersisted) return
  await client
    .from('contacts')
    .where('workspace_id', contact.workspaceId)
    .where('id', contact.id)
    .update({ name: contact.name, locale: contact.locale, attributes: JSON.stringify(contact.attributes ?? {}), updated_at: new Date() })
}
