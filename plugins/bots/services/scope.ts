/**
 * What a flow can read and write about its conversation: `{{contact.name}}`, `{{vars.x}}`,
 * `contact.attributes.x`, the channel, the time in the workspace's zone. One resolver serves the
 * message templates, conditions and "save to", so a name means the same everywhere.
 */
import { DateTime } from 'luxon'
import type Contact from '#messaging/models/contact'

export interface Scope {
  contact: Contact
  variables: Record<string, unknown>
  channel: { id: number; name: string }
  /** The workspace's IANA time zone. */
  timezone: string
  /** Business hours from the plugin's settings. */
  businessHours: { days: number[]; from: string; to: string }
}

const dig = (value: unknown, path: string[]) => path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as any)[key] : undefined), value)

/** The contact's tags (kept in `attributes.tags` until the CRM owns them). */
export function tagsOf(contact: Contact): string[] {
  const tags = contact.attributes?.tags
  return Array.isArray(tags) ? tags.map(String) : []
}

export function isBusinessHours(scope: Scope, now: DateTime = DateTime.now()) {
  const local = now.setZone(scope.timezone)
  const time = local.toFormat('HH:mm')
  return scope.businessHours.days.includes(local.weekday) && time >= scope.businessHours.from && time < scope.businessHours.to
}

/** The value a dotted name refers to (undefined when there is none). */
export function resolve(scope: Scope, name: string): unknown {
  const [head, ...rest] = name.trim().split('.')
  const { contact } = scope
  switch (head) {
    case 'vars':
      return dig(scope.variables, rest)
    case 'contact':
      if (rest[0] === 'name') return contact.name ?? contact.profileName ?? undefined
      if (rest[0] === 'phone') return contact.phone
      if (rest[0] === 'locale') return contact.locale ?? undefined
      if (rest[0] === 'tags') return tagsOf(contact)
      if (rest[0] === 'attributes') return dig(contact.attributes, rest.slice(1))
      return undefined
    case 'channel':
      return rest[0] === 'name' ? scope.channel.name : scope.channel.id
    case 'time':
      return DateTime.now().setZone(scope.timezone).toFormat('HH:mm')
    case 'weekday':
      return DateTime.now().setZone(scope.timezone).weekday
    case 'business_hours':
      return isBusinessHours(scope)
    default:
      return undefined
  }
}

const asText = (value: unknown) => (value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value))

/** Fills `{{name}}` placeholders; unknown names become empty. */
export function render(text: string, scope: Scope) {
  return text.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_, name: string) => asText(resolve(scope, name)))
}
