import { errors } from '@vinejs/vine'
import { DateTime } from 'luxon'
import { escapeLike } from '#messaging/services/contact_search'
import type Field from '#crm/models/field'
import type Tag from '#crm/models/tag'

/**
 * The contact filter language and its ONE compiler to SQL: the list, segments, and later bulk
 * actions, exports, campaigns and the API all filter contacts through `compileFilter`.
 *
 *   { "match": "all", "rules": [
 *       { "field": "tags", "op": "has_any", "value": [3] },
 *       { "match": "any", "rules": [
 *           { "field": "cf.plan", "op": "is", "value": "pro" },
 *           { "field": "conversations", "op": "gte", "value": 2 } ] } ] }
 *
 * The shape is checked by VineJS (validators/filter.ts); here each rule is checked against the
 * workspace's fields and tags (a 422 naming `filter.rules.<i>…`), then turned into SQL over
 * `contacts as ct` whose every value is a binding. Only fixed fragments of this file are ever
 * SQL text: column expressions and operators come from the tables below, never from the input.
 */

export interface FilterRule {
  field: string
  op: string
  value?: unknown
}

export interface FilterGroup {
  match: 'all' | 'any'
  rules: (FilterRule | FilterGroup)[]
}

export type ContactFilter = FilterGroup

/** What a field is, for its operators and values. */
export type FieldKind = 'text' | 'phone' | 'number' | 'date' | 'datetime' | 'boolean' | 'opt_in' | 'select' | 'multiselect' | 'tags' | 'owner'

const SET = ['is_set', 'is_not_set']
const TEXT = ['contains', 'not_contains', 'equals', 'not_equals', 'starts_with', ...SET]
const DATES = ['before', 'after', 'on', 'within_days', 'older_than_days', ...SET]

/** The operators of each kind of field (the builder offers the same). */
export const OPERATORS: Record<FieldKind, string[]> = {
  text: TEXT,
  phone: TEXT,
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', ...SET],
  date: DATES,
  datetime: DATES,
  boolean: ['is_true', 'is_false', ...SET],
  opt_in: ['is', 'is_not'],
  select: ['is', 'is_not', 'any_of', ...SET],
  multiselect: ['has_any', 'has_all', 'has_none', ...SET],
  tags: ['has_any', 'has_all', 'has_none'],
  owner: ['is', 'is_not', ...SET],
}

export const OPT_IN_STATUSES = ['unknown', 'opted_in', 'opted_out'] as const

/** A field of the filter: built-in (labelled by an i18n key) or custom (`cf.<key>`, its own label). */
export interface FilterField {
  key: string
  kind: FieldKind
  label?: string
  labelKey?: string
  options?: { value: string | number; label: string }[]
}

const CUSTOM_KINDS: Record<Field['type'], FieldKind> = {
  text: 'text',
  url: 'text',
  email: 'text',
  phone: 'phone',
  number: 'number',
  date: 'date',
  boolean: 'boolean',
  select: 'select',
  multiselect: 'multiselect',
}

/** What a workspace's filters are checked against. */
export interface FilterContext {
  fields: Field[]
  tags: Tag[]
  /** The workspace's time zone: a date ("on 2025-03-01") is that day there. */
  timezone: string
}

/** Every field a filter may name in this workspace, in the builder's order. */
export function filterFields({ fields, tags }: FilterContext): FilterField[] {
  return [
    { key: 'name', kind: 'text', labelKey: 'crm.fields.name' },
    { key: 'phone', kind: 'phone', labelKey: 'crm.fields.phone' },
    { key: 'email', kind: 'text', labelKey: 'crm.fields.email' },
    { key: 'tags', kind: 'tags', labelKey: 'crm.fields.tags', options: tags.map((tag) => ({ value: tag.id, label: tag.name })) },
    { key: 'opt_in', kind: 'opt_in', labelKey: 'crm.fields.opt_in', options: OPT_IN_STATUSES.map((value) => ({ value, label: `crm.consent.${value}` })) },
    { key: 'last_seen', kind: 'datetime', labelKey: 'crm.fields.last_seen' },
    { key: 'created', kind: 'datetime', labelKey: 'crm.fields.created' },
    { key: 'conversations', kind: 'number', labelKey: 'crm.fields.conversations' },
    { key: 'owner', kind: 'owner', labelKey: 'crm.fields.owner' },
    ...fields.map((field) => ({
      key: `cf.${field.key}`,
      kind: CUSTOM_KINDS[field.type],
      label: field.label,
      options: field.options.map((option) => ({ value: option, label: option })),
    })),
  ]
}

type Binding = string | number | boolean

/** A piece of SQL and its bindings. */
interface Sql {
  sql: string
  bindings: Binding[]
}

const sql = (text: string, ...bindings: Binding[]): Sql => ({ sql: text, bindings })

function join(parts: Sql[], glue: ' and ' | ' or '): Sql {
  // An empty group is no condition.
  if (!parts.length) return sql('true')
  return { sql: `(${parts.map((part) => part.sql).join(glue)})`, bindings: parts.flatMap((part) => part.bindings) }
}

const not = (part: Sql): Sql => ({ sql: `not ${part.sql}`, bindings: part.bindings })

const COMPARATORS: Record<string, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' }

const BUILT_IN_COLUMNS: Record<string, string[]> = {
  name: ['ct.name', 'ct.profile_name'],
  phone: ['ct.phone'],
  email: ['ct.email'],
}

/** A problem with one rule, reported on its path. */
class RuleError extends Error {
  constructor(
    message: string,
    readonly part: 'field' | 'op' | 'value'
  ) {
    super(message)
  }
}

function text(value: unknown, max = 200) {
  const string = typeof value === 'number' ? String(value) : value
  if (typeof string !== 'string' || !string.trim() || string.length > max) throw new RuleError('Enter a value', 'value')
  return string.trim()
}

function number(value: unknown) {
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || Math.abs(parsed) > 1e15) throw new RuleError('Enter a number', 'value')
  return parsed
}

function days(value: unknown) {
  const parsed = number(value)
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 36500) throw new RuleError('Enter a number of days', 'value')
  return parsed
}

function isoDate(value: unknown) {
  const date = typeof value === 'string' ? DateTime.fromISO(value) : null
  if (!date?.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(value as string)) throw new RuleError('Enter a date (YYYY-MM-DD)', 'value')
  return value as string
}

/** A non-empty list, each item checked by `item`. */
function list<T>(value: unknown, item: (one: unknown) => T): T[] {
  const items = Array.isArray(value) ? value : value === undefined || value === null || value === '' ? [] : [value]
  if (!items.length || items.length > 100) throw new RuleError('Choose at least one', 'value')
  return [...new Set(items.map(item))]
}

function choice(options: FilterField['options'] = []) {
  return (value: unknown) => {
    const found = options.find((option) => String(option.value) === String(value))
    if (!found) throw new RuleError('Choose one of the options', 'value')
    return found.value
  }
}

/** Text operators over one or more columns (the name is the name or the WhatsApp profile name). */
function textRule(columns: Sql[], op: string, value: unknown, kind: FieldKind): Sql {
  const any = (make: (column: Sql) => Sql) => join(columns.map(make), ' or ')
  if (op === 'is_set') return any((column) => sql(`coalesce(${column.sql}, '') <> ''`, ...column.bindings))
  if (op === 'is_not_set') return not(any((column) => sql(`coalesce(${column.sql}, '') <> ''`, ...column.bindings)))
  // A phone is matched on its digits, however it is typed ("+7 (900) 12…").
  let term = text(value)
  if (kind === 'phone') term = term.replace(/[^\d]/g, '') || term
  const like = (pattern: string) => any((column) => sql(`coalesce(${column.sql}, '') ilike ?`, ...column.bindings, pattern))
  switch (op) {
    case 'contains':
      return like(`%${escapeLike(term)}%`)
    case 'not_contains':
      return not(like(`%${escapeLike(term)}%`))
    case 'starts_with':
      return like(kind === 'phone' ? `+${escapeLike(term)}%` : `${escapeLike(term)}%`)
    case 'equals':
      return like(kind === 'phone' ? `+${escapeLike(term)}` : escapeLike(term))
    default:
      return not(like(kind === 'phone' ? `+${escapeLike(term)}` : escapeLike(term)))
  }
}

/** Start of `date` (YYYY-MM-DD) in the time zone, as SQL. */
const dayStart = (date: string, timezone: string, plusDays = 0) => sql(`((?::date + ?::int)::timestamp at time zone ?::text)`, date, plusDays, timezone)

/** Date operators over a timestamp column. */
function datetimeRule(column: string, op: string, value: unknown, timezone: string): Sql {
  const at = (comparator: string, bound: Sql) => sql(`${column} ${comparator} ${bound.sql}`, ...bound.bindings)
  switch (op) {
    case 'is_set':
      return sql(`${column} is not null`)
    case 'is_not_set':
      return sql(`${column} is null`)
    case 'before':
      return at('<', dayStart(isoDate(value), timezone))
    case 'after':
      return at('>=', dayStart(isoDate(value), timezone, 1))
    case 'on':
      return join([at('>=', dayStart(isoDate(value), timezone)), at('<', dayStart(value as string, timezone, 1))], ' and ')
    case 'within_days':
      return sql(`${column} >= now() - ? * interval '1 day'`, days(value))
    default:
      return sql(`${column} < now() - ? * interval '1 day'`, days(value))
  }
}

/** `attributes @> {key: value}`: served by the GIN (jsonb_path_ops) index. */
const contains = (key: string, value: unknown) => sql('ct.attributes @> ?::jsonb', JSON.stringify({ [key]: value }))

function customRule(field: FilterField, key: string, op: string, value: unknown, timezone: string): Sql {
  const raw = sql('ct.attributes->>?', key)
  if (op === 'is_set') return sql('ct.attributes->? is not null', key)
  if (op === 'is_not_set') return sql('ct.attributes->? is null', key)
  switch (field.kind) {
    case 'text':
    case 'phone': {
      const rule = textRule([raw], op, value, field.kind)
      // "Contains" first narrows through the trigram index on all values joined.
      if (op === 'contains') return join([sql('crm_attribute_text(ct.attributes) ilike ?', `%${escapeLike(text(value))}%`), rule], ' and ')
      return rule
    }
    case 'number': {
      const n = number(value)
      if (op === 'eq') return contains(key, n)
      return sql(`(case when jsonb_typeof(ct.attributes->?) = 'number' then (ct.attributes->>?)::numeric end) ${COMPARATORS[op]} ?`, key, key, n)
    }
    case 'date': {
      // Stored as YYYY-MM-DD, which orders as text.
      const today = DateTime.now().setZone(timezone)
      if (op === 'on') return contains(key, isoDate(value))
      if (op === 'before') return sql('ct.attributes->>? < ?', key, isoDate(value))
      if (op === 'after') return sql('ct.attributes->>? > ?', key, isoDate(value))
      const since = today.minus({ days: days(value) }).toISODate()!
      if (op === 'within_days') return sql('ct.attributes->>? between ? and ?', key, since, today.toISODate()!)
      return sql('ct.attributes->>? < ?', key, since)
    }
    case 'boolean':
      return contains(key, op === 'is_true')
    case 'select': {
      const options = choice(field.options)
      if (op === 'any_of') return join(list(value, options).map((one) => contains(key, one)), ' or ')
      return op === 'is' ? contains(key, options(value)) : not(contains(key, options(value)))
    }
    default: {
      const chosen = list(value, choice(field.options))
      if (op === 'has_all') return contains(key, chosen)
      const any = join(chosen.map((one) => contains(key, [one])), ' or ')
      return op === 'has_any' ? any : not(any)
    }
  }
}

function tagRule(field: FilterField, op: string, value: unknown): Sql {
  const ids = list(value, choice(field.options)) as number[]
  const placeholders = ids.map(() => '?').join(', ')
  const tagged = `from crm_contact_tags t where t.workspace_id = ct.workspace_id and t.contact_id = ct.id and t.tag_id in (${placeholders})`
  if (op === 'has_all') return sql(`(select count(*) ${tagged}) = ?`, ...ids, ids.length)
  const any = sql(`exists (select 1 ${tagged})`, ...ids)
  return op === 'has_any' ? any : not(any)
}

function ruleSql(rule: FilterRule, fields: Map<string, FilterField>, timezone: string): Sql {
  const field = fields.get(rule.field)
  if (!field) throw new RuleError('Unknown field', 'field')
  if (!OPERATORS[field.kind].includes(rule.op)) throw new RuleError('This operator does not apply to the field', 'op')
  const { op, value } = rule
  if (field.key.startsWith('cf.')) return customRule(field, field.key.slice(3), op, value, timezone)
  switch (field.kind) {
    case 'tags':
      return tagRule(field, op, value)
    case 'opt_in': {
      const status = choice(field.options)(value)
      return sql(`ct.opt_in_status ${op === 'is' ? '=' : '<>'} ?`, status)
    }
    case 'datetime':
      return datetimeRule(field.key === 'created' ? 'ct.created_at' : 'ct.last_seen_at', op, value, timezone)
    case 'number':
      if (op === 'is_set' || op === 'is_not_set') return sql(op === 'is_set' ? 'true' : 'false')
      return sql(`ct.conversation_count ${COMPARATORS[op]} ?`, number(value))
    case 'owner': {
      if (op === 'is_set') return sql('ct.owner_id is not null')
      if (op === 'is_not_set') return sql('ct.owner_id is null')
      const id = number(value)
      if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) throw new RuleError('Choose a member', 'value')
      return op === 'is' ? sql('ct.owner_id = ?', id) : sql('ct.owner_id is distinct from ?', id)
    }
    default:
      return textRule(BUILT_IN_COLUMNS[field.key].map((column) => sql(column)), op, value, field.kind)
  }
}

/**
 * The filter as a SQL condition over `contacts as ct` (add it with `whereRaw(sql, bindings)`),
 * or a 422 (E_VALIDATION_ERROR) naming every rule that does not fit the workspace's fields and
 * tags, e.g. `filter.rules.1.value: Choose one of the options`.
 */
export function compileFilter(filter: ContactFilter, context: FilterContext): Sql {
  const fields = new Map(filterFields(context).map((field) => [field.key, field]))
  const problems: { field: string; message: string; rule: string }[] = []
  const group = (node: FilterGroup, path: string): Sql =>
    join(
      node.rules.map((child, index) => {
        const at = `${path}.rules.${index}`
        if ('rules' in child) return group(child, at)
        try {
          return ruleSql(child, fields, context.timezone)
        } catch (error) {
          if (!(error instanceof RuleError)) throw error
          problems.push({ field: `${at}.${error.part}`, message: error.message, rule: 'filter' })
          return sql('false')
        }
      }),
      node.match === 'any' ? ' or ' : ' and '
    )
  const compiled = group(filter, 'filter')
  if (problems.length) throw new errors.E_VALIDATION_ERROR(problems)
  return compiled
}

/** How many rules a filter holds (an empty filter matches everyone). */
export function ruleCount(filter: ContactFilter | null | undefined): number {
  return filter ? filter.rules.reduce((count, child) => count + ('rules' in child ? ruleCount(child) : 1), 0) : 0
}
