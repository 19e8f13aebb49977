import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import CrmContact from '#crm/models/crm_contact'
import ContactEvent from '#crm/models/contact_event'
import type Field from '#crm/models/field'
import type { FieldChange } from '#crm/hooks'
import type { FieldValue } from '#crm/services/field_values'

/** What the card or the API may change; custom values come validated (`validateFieldValues`), null removes one. */
export interface ContactChanges {
  name?: string | null
  email?: string | null
  ownerId?: number | null
  attributes?: Record<string, FieldValue | null>
}

const BUILT_IN = { name: 'name', email: 'email', ownerId: 'owner' } as const

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/**
 * Changes a contact and records each changed field on its timeline (who, old → new), in one
 * transaction with the row locked (two editors do not lose each other's changes); then
 * announces them on `contact.updated`. Nothing changed: nothing recorded, nothing announced.
 * `fields` label the custom values on the timeline (only needed when `changes.attributes` has some).
 */
export async function updateContact(contact: CrmContact, changes: ContactChanges, actorId: number | null, fields: Field[] = []) {
  const labels = new Map(fields.map((field) => [field.key, field.label]))
  const recorded = await db.transaction(async (trx) => {
    const row = await CrmContact.query({ client: trx }).where('id', contact.id).forUpdate().firstOrFail()
    const found: (FieldChange & { label: string })[] = []
    for (const [property, field] of Object.entries(BUILT_IN) as [keyof typeof BUILT_IN, string][]) {
      if (changes[property] === undefined || same(row[property], changes[property])) continue
      found.push({ field, label: field, from: row[property], to: changes[property] })
      row.$setAttribute(property, changes[property])
    }
    const attributes = { ...row.attributes }
    for (const [key, value] of Object.entries(changes.attributes ?? {})) {
      if (same(attributes[key], value)) continue
      found.push({ field: `cf.${key}`, label: labels.get(key) ?? key, from: attributes[key] ?? null, to: value })
      if (value === null) delete attributes[key]
      else attributes[key] = value
    }
    if (!found.length) return found
    row.attributes = attributes
    await row.useTransaction(trx).save()
    await ContactEvent.createMany(
      found.map(({ field, label, from, to }) => ({ workspaceId: row.workspaceId, contactId: row.id, actorId, kind: 'field' as const, data: { kind: 'field' as const, field, label, from, to } })),
      { client: trx }
    )
    contact.merge({ ...row.$attributes })
    return found
  })
  if (recorded.length) {
    await hooks.emit('contact.updated', {
      workspaceId: contact.workspaceId,
      contactId: contact.id,
      changes: recorded.map(({ field, from, to }) => ({ field, from, to })),
      actorId,
    })
  }
  return recorded
}
