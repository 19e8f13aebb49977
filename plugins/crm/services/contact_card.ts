import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { abilities, type Role } from '#access/roles'
import type { SlotLoadContext } from '#plugins/define_plugin'
import CrmContact from '#crm/models/crm_contact'
import Field from '#crm/models/field'
import Tag from '#crm/models/tag'
import { tagsOf } from '#crm/services/contact_list'
import { contactTimeline } from '#crm/services/timeline'
import { presentTimeline, valueText, when } from '#crm/presenters'

/** The members who may own contacts (they can edit them), by name. */
export async function ownerChoices(workspaceId: number) {
  const rows = await db
    .from('memberships as m')
    .join('users as u', 'u.id', 'm.user_id')
    .where('m.workspace_id', workspaceId)
    .select('u.id', 'u.full_name', 'm.role')
    .orderBy('u.full_name')
  return rows.filter((row) => abilities.allows(row.role as Role, 'crm.edit')).map((row) => ({ id: row.id as number, name: row.full_name as string }))
}

/** The custom fields with this contact's values (as stored, and as text). */
export function fieldValues(ctx: HttpContext, fields: Field[], contact: CrmContact) {
  return fields.map((field) => ({ field, value: contact.attributes[field.key] ?? null, text: valueText(ctx, contact.attributes[field.key]) }))
}

/** The card's consent block: status, source, since when. */
export function consentOf(ctx: HttpContext, contact: CrmContact) {
  return { status: contact.optInStatus, source: contact.optInSource, at: when(ctx, contact.optInAt) }
}

/** Everything the contact card shows. */
export async function contactCard(ctx: HttpContext, contact: CrmContact) {
  const workspaceId = ctx.tenant.workspace.id
  const fields = await Field.ofWorkspace(workspaceId)
  const allTags = await Tag.ofWorkspace(workspaceId)
  const tags = await tagsOf(workspaceId, [contact.id])
  const owners = await ownerChoices(workspaceId)
  const timeline = await contactTimeline(workspaceId, contact.id)
  return {
    contact,
    values: fieldValues(ctx, fields, contact),
    tags: tags.get(contact.id) ?? [],
    allTags,
    owners,
    owner: owners.find((owner) => owner.id === contact.ownerId) ?? null,
    consent: consentOf(ctx, contact),
    timeline: presentTimeline(ctx, timeline),
    seen: { last: when(ctx, contact.lastSeenAt), created: when(ctx, contact.createdAt) },
  }
}

/** The compact card in the inbox's `contact.sidebar` slot: tags, e-mail, consent, filled custom fields, a link to the card. */
export async function sidebarCard({ http, workspaceId, props }: SlotLoadContext) {
  const contact = await CrmContact.findInWorkspace(workspaceId, props.contactId)
  const fields = await Field.ofWorkspace(workspaceId)
  const tags = await tagsOf(workspaceId, [contact.id])
  return {
    crmContact: contact,
    crmTags: tags.get(contact.id) ?? [],
    crmValues: fieldValues(http, fields, contact).filter((item) => item.text !== ''),
    crmConsent: consentOf(http, contact),
  }
}
