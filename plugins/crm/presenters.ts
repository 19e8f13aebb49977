import type { HttpContext } from '@adonisjs/core/http'
import type CrmContact from '#crm/models/crm_contact'
import { formatDate, type DateStyle } from '#ui/dates'

/** A date as the workspace reads it (its time zone, the user's language); '' for none. */
export function when(ctx: HttpContext, at: Date | { toJSDate(): Date } | null | undefined, style: DateStyle = 'full') {
  if (!at) return ''
  return formatDate(at instanceof Date ? at : at.toJSDate(), style, ctx.i18n.locale, ctx.tenant.workspace.timezone || 'UTC')
}

/** A custom field's stored value as text: lists joined, booleans as yes / no. */
export function valueText(ctx: HttpContext, value: unknown) {
  if (value === null || value === undefined || value === '') return ''
  if (Array.isArray(value)) return value.join(', ')
  if (typeof value === 'boolean') return ctx.i18n.t(value ? 'crm.values.yes' : 'crm.values.no')
  return String(value)
}

/** The timeline with each item's time as the workspace reads it (`time`). */
export function presentTimeline<T extends { items: { at: Date }[]; cursor: string | null }>(ctx: HttpContext, timeline: T) {
  return { ...timeline, items: timeline.items.map((item) => ({ ...item, time: when(ctx, item.at) })) }
}

/** A contact as the API answers it (docs/api.md, openapi.ts `CrmContact`). */
export function crmContactJson(contact: CrmContact, tags: { id: number; name: string }[]) {
  return {
    id: contact.id,
    phone: contact.phone,
    name: contact.name,
    profileName: contact.profileName,
    email: contact.email,
    ownerId: contact.ownerId,
    optIn: { status: contact.optInStatus, source: contact.optInSource, at: contact.optInAt?.toISO() ?? null },
    tags: tags.map(({ id, name }) => ({ id, name })),
    fields: contact.attributes,
    conversationCount: contact.conversationCount,
    lastSeenAt: contact.lastSeenAt?.toISO() ?? null,
    createdAt: contact.createdAt.toISO(),
  }
}
