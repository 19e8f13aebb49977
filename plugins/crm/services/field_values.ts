import vine, { errors, SimpleMessagesProvider, type VineValidator } from '@vinejs/vine'
import type { FieldContext, MessagesProviderContact, SchemaTypes } from '@vinejs/vine/types'
import { DateTime } from 'luxon'
import { toE164 } from '#messaging/services/phone'
import type Field from '#crm/models/field'

/** A value of a custom field as stored in contacts.attributes (JSON). */
export type FieldValue = string | number | boolean | string[]

const phoneRule = vine.createRule((value, _options, field) => {
  const e164 = typeof value === 'string' ? toE164(value) : null
  if (!e164) field.report('The {{ field }} field must be a phone number in the international format (+<country code>…)', 'phone', field)
  else field.mutate(e164, field)
})

/** The VineJS schema of one field's value, as a form (strings) or the API (JSON types) sends it. */
function schemaOf(field: Field): SchemaTypes {
  switch (field.type) {
    case 'number':
      return vine.number().min(-1e15).max(1e15)
    case 'date':
      return vine.date({ formats: ['YYYY-MM-DD'] }).transform((date) => DateTime.fromJSDate(date).toISODate()!)
    case 'boolean':
      return vine.boolean()
    case 'select':
      return vine.enum(field.options)
    case 'multiselect':
      return vine.array(vine.enum(field.options)).distinct()
    case 'url':
      return vine.string().trim().maxLength(2000).url({ require_protocol: true, protocols: ['http', 'https'] })
    case 'email':
      return vine.string().trim().maxLength(254).email()
    case 'phone':
      return vine.string().trim().maxLength(30).use(phoneRule())
    default:
      return vine.string().trim().maxLength(1000)
  }
}

/** Validation messages that name a custom field by its label ("Plan", not "plan_2024"). */
class FieldLabels implements MessagesProviderContact {
  constructor(
    private labels: Record<string, string>,
    private shared: MessagesProviderContact
  ) {}

  getMessage(message: string, rule: string, field: FieldContext, meta?: Record<string, any>) {
    const label = this.labels[field.name] ?? this.labels[String(field.wildCardPath).split('.')[0]]
    return this.shared.getMessage(message, rule, label ? ({ ...field, name: label } as FieldContext) : field, meta)
  }
}

/**
 * Compiled validators by the definitions (the same array) and the keys validated: compiling is
 * most of a validation's cost, and an import checks 100,000 rows against one set of fields.
 */
const compiled = new WeakMap<Field[], Map<string, VineValidator<any, any>>>()

function compiledFor(fields: Field[], properties: Record<string, SchemaTypes>) {
  const byKeys = compiled.get(fields) ?? new Map<string, VineValidator<any, any>>()
  compiled.set(fields, byKeys)
  const keys = Object.keys(properties).join(',')
  let validator = byKeys.get(keys)
  if (!validator) {
    validator = vine.compile(vine.object(properties))
    byKeys.set(keys, validator)
  }
  return validator
}

export interface ValidateValuesOptions {
  /** Only the keys given are written (an inline edit): a required field may not be cleared, but may be absent. */
  partial?: boolean
  /** The request's messages provider (i18n), to which the labels are added. */
  messagesProvider?: MessagesProviderContact
}

/**
 * THE validator of custom field values, built from the workspace's definitions: the contact
 * card, the API and imports all write through it. `input` maps keys to values; an empty string
 * or null clears a value (refused for a required field); an unknown key is a 422. Resolves to
 * what to store (null: remove the key), e.g. `{ plan: 'pro', seats: 12, renewal: '2025-03-01' }`.
 */
export async function validateFieldValues(fields: Field[], input: Record<string, unknown>, options: ValidateValuesOptions = {}) {
  const byKey = new Map(fields.map((field) => [field.key, field]))
  const unknown = Object.keys(input).filter((key) => !byKey.has(key))
  if (unknown.length) {
    throw new errors.E_VALIDATION_ERROR(unknown.map((key) => ({ field: key, rule: 'unknown', message: `There is no custom field "${key}"` })))
  }

  const wanted = options.partial ? fields.filter((field) => field.key in input) : fields
  const cleared = (value: unknown) => value === null || value === '' || (Array.isArray(value) && value.length === 0)
  const properties: Record<string, SchemaTypes> = {}
  const data: Record<string, unknown> = {}
  for (const field of wanted) {
    const value = input[field.key]
    if (cleared(value) && !field.required) continue
    // A multiselect from a form with one box ticked is a string.
    data[field.key] = field.type === 'multiselect' && typeof value === 'string' ? [value] : cleared(value) ? undefined : value
    properties[field.key] = field.required ? schemaOf(field) : (schemaOf(field) as any).optional()
  }

  const labels = Object.fromEntries(fields.map((field) => [field.key, field.label]))
  const shared = options.messagesProvider ?? new SimpleMessagesProvider({})
  let valid: Record<string, FieldValue | undefined>
  try {
    valid = await compiledFor(fields, properties).validate(data, { messagesProvider: new FieldLabels(labels, shared) })
  } catch (error) {
    if (!(error instanceof errors.E_VALIDATION_ERROR)) throw error
    // "langs.1" → "langs": a field's problem is the field's, whichever item of a list it is.
    const messages = error.messages as { field: string }[]
    throw new errors.E_VALIDATION_ERROR(messages.map((message) => ({ ...message, field: message.field.split('.')[0] })))
  }

  return Object.fromEntries(wanted.map((field) => [field.key, valid[field.key] ?? null])) as Record<string, FieldValue | null>
}
