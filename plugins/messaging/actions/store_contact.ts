import { hooks } from '#hooks/bus'
import Contact from '#messaging/models/contact'
import { toE164, waIdOf } from '#messaging/services/phone'
import { Refusal } from '#messaging/services/refusal'

export interface NewContact {
  phone: string
  name?: string | null
  locale?: string | null
  attributes?: Record<string, unknown>
}

/** The phone in E.164, or a 422 on the field. */
export function normalisedPhone(raw: string, field = 'phone') {
  const phone = toE164(raw)
  if (!phone) throw new Refusal(`${field}: not a valid phone number (use the international format, +<country code>…)`, field)
  return phone
}

/** Creates a contact by phone (one per number in a workspace); announces it on `contact.created`. */
export async function storeContact(workspaceId: number, input: NewContact) {
  const phone = normalisedPhone(input.phone)
  const existing = await Contact.query().where('workspace_id', workspaceId).where('phone', phone).first()
  if (existing) throw new Refusal(`phone: a contact with ${phone} already exists (id ${existing.id})`, 'phone')
  const contact = await Contact.create({
    workspaceId,
    phone,
    waId: waIdOf(phone),
    name: input.name ?? null,
    locale: input.locale ?? null,
    attributes: input.attributes ?? {},
  })
  await contact.refresh() // the columns the database defaults (opt-in status, blocked)
  await hooks.emit('contact.created', { workspaceId, contactId: contact.id, phone, source: 'api' })
  return contact
}

/** The workspace's contact for this phone, created when new (the first message to a number). */
export async function contactForPhone(workspaceId: number, raw: string) {
  const phone = normalisedPhone(raw, 'to')
  return (await Contact.query().where('workspace_id', workspaceId).where('phone', phone).first()) ?? storeContact(workspaceId, { phone })
}
