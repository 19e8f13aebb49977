import db from '@adonisjs/lucid/services/db'
import type CrmContact from '#crm/models/crm_contact'
import type Field from '#crm/models/field'

/** Contacts suggested as one person: the same e-mail (any case), or the same phone digits (however written). */
export interface DuplicateGroup {
  by: 'email' | 'phone'
  value: string
  contacts: { id: number; name: string | null; profile_name: string | null; phone: string; email: string | null; created_at: Date; conversation_count: number }[]
}

const GROUPS = 50

/**
 * The workspace's duplicate suggestions, largest groups first (at most 50 groups). Phones are
 * compared by their digits (a "+7 900…" written by an old import and "+7900…" are one number);
 * e-mails by lower case (served by the index contacts_crm_email). Contacts a bulk delete hid are out.
 */
export async function duplicateGroups(workspaceId: number): Promise<DuplicateGroup[]> {
  const { rows } = await db.rawQuery(
    `select by, value, array_agg(id order by id) as ids from (
       select id, 'email' as by, lower(email) as value from contacts where workspace_id = ? and email is not null and hidden_by is null
       union all
       select id, 'phone', regexp_replace(phone, '\\D', '', 'g') from contacts where workspace_id = ? and hidden_by is null
     ) keyed group by by, value having count(*) > 1 order by count(*) desc, value limit ${GROUPS}`,
    [workspaceId, workspaceId]
  )
  const ids: number[] = [...new Set<number>(rows.flatMap((row: { ids: string[] }) => row.ids.map(Number)))]
  const contacts = ids.length
    ? await db.from('contacts').where('workspace_id', workspaceId).whereIn('id', ids).select('id', 'name', 'profile_name', 'phone', 'email', 'created_at', 'conversation_count')
    : []
  const byId = new Map(contacts.map((contact) => [Number(contact.id), { ...contact, id: Number(contact.id) }]))
  return rows.map((row: { by: 'email' | 'phone'; value: string; ids: string[] }) => ({ by: row.by, value: row.value, contacts: row.ids.map((id) => byId.get(Number(id))!) }))
}

/** A field a merge chooses a value for: its key (`name`, `email`, `owner`, `opt_in`, `cf.<key>`), label, and each side's value. */
export interface MergeField {
  key: string
  label: string | null
  primary: unknown
  other: unknown
  /** Which side wins unless the user picks: the primary's value, or the other's where the primary has none. */
  winner: 'primary' | 'other'
}

const empty = (value: unknown) => value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)

/** The fields of two contacts side by side, for the merge screen and the merge itself. */
export function mergeFields(primary: CrmContact, other: CrmContact, fields: Field[]): MergeField[] {
  const builtIn = [
    { key: 'name', label: null, primary: primary.name, other: other.name },
    { key: 'email', label: null, primary: primary.email, other: other.email },
    { key: 'owner', label: null, primary: primary.ownerId, other: other.ownerId },
    { key: 'opt_in', label: null, primary: primary.optInStatus === 'unknown' ? null : primary.optInStatus, other: other.optInStatus === 'unknown' ? null : other.optInStatus },
  ]
  const custom = fields.map((field) => ({ key: `cf.${field.key}`, label: field.label, primary: primary.attributes[field.key] ?? null, other: other.attributes[field.key] ?? null }))
  return [...builtIn, ...custom].map((field) => ({ ...field, winner: empty(field.primary) && !empty(field.other) ? 'other' : 'primary' }))
}
