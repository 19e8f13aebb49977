import vine, { errors } from '@vinejs/vine'
import type { MessagesProviderContact } from '@vinejs/vine/types'
import type { I18n } from '@adonisjs/i18n'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { CountryCode } from 'libphonenumber-js'
import { toE164 } from '#messaging/services/phone'
import type Field from '#crm/models/field'
import type { ImportTarget } from '#crm/models/contact_import'
import { validateFieldValues, type FieldValue } from '#crm/services/field_values'

/**
 * From a file's row to a contact: the column mapping (guessed from the headers, English or
 * Russian, and the custom fields' labels and keys), and each row checked the way the card
 * checks an edit (the phone to E.164 in the default country, the e-mail, custom values through
 * `validateFieldValues`), its problems worded for the importer.
 */

const BUILT_IN_NAMES: Record<Exclude<ImportTarget, '' | `cf.${string}`>, string[]> = {
  name: ['name', 'full name', 'fullname', 'contact', 'contact name', 'first name', 'имя', 'фио', 'ф.и.о.', 'клиент', 'контакт', 'имя клиента', 'название'],
  phone: ['phone', 'phone number', 'mobile', 'cell', 'whatsapp', 'tel', 'telephone', 'number', 'телефон', 'номер', 'номер телефона', 'мобильный', 'моб. телефон', 'тел', 'тел.', 'ватсап'],
  email: ['email', 'e-mail', 'mail', 'email address', 'почта', 'эл. почта', 'электронная почта', 'емейл', 'имейл', 'e-mail адрес'],
  tags: ['tags', 'tag', 'labels', 'теги', 'тег', 'метки', 'метка'],
}

const normal = (text: string) => text.trim().toLowerCase().replace(/ё/g, 'е').replace(/[_\s]+/g, ' ')

/** A target per header: a built-in field by its English or Russian names, a custom field by label or key; each target once. */
export function guessMapping(headers: string[], fields: Field[]): ImportTarget[] {
  const taken = new Set<ImportTarget>()
  return headers.map((header) => {
    const name = normal(header)
    const builtIn = (Object.keys(BUILT_IN_NAMES) as (keyof typeof BUILT_IN_NAMES)[]).find((target) => BUILT_IN_NAMES[target].includes(name))
    const custom = fields.find((field) => normal(field.label) === name || field.key === name.replace(/ /g, '_'))
    const target: ImportTarget = builtIn ?? (custom ? `cf.${custom.key}` : '')
    if (!target || taken.has(target)) return ''
    taken.add(target)
    return target
  })
}

export interface ImportedContact {
  phone: string
  name?: string
  email?: string
  tags: string[]
  attributes: Record<string, FieldValue>
}

export type CheckedRow = { contact: ImportedContact; problems: [] } | { contact: null; problems: string[] }

const emailValidator = vine.compile(vine.object({ email: vine.string().maxLength(254).email() }))

const TRUE = ['1', 'true', 'yes', 'y', 'да', 'д', 'истина', '+']
const FALSE = ['0', 'false', 'no', 'n', 'нет', 'н', 'ложь', '-']

/** Spreadsheet spellings into what the field's validator takes: "да", "1 234,5", "31.12.2024", "a; b". */
function fieldInput(field: Field, raw: string): unknown {
  switch (field.type) {
    case 'boolean': {
      const value = raw.toLowerCase()
      return TRUE.includes(value) ? true : FALSE.includes(value) ? false : raw
    }
    case 'number':
      return /^-?[\d\s\u00a0]+([.,]\d+)?$/.test(raw) ? Number(raw.replace(/[\s\u00a0]/g, '').replace(',', '.')) : raw
    case 'date': {
      const dotted = raw.match(/^(\d{1,2})[./](\d{1,2})[./](\d{4})$/)
      return dotted ? `${dotted[3]}-${dotted[2].padStart(2, '0')}-${dotted[1].padStart(2, '0')}` : raw
    }
    case 'multiselect':
      return raw.split(/[;,|]/).map((part) => part.trim()).filter(Boolean)
    default:
      return raw
  }
}

export class RowChecker {
  #fields: Map<string, Field>
  #messages: MessagesProviderContact

  constructor(
    private mapping: ImportTarget[],
    private fields: Field[],
    private country: CountryCode | undefined,
    private i18n: I18n
  ) {
    this.#fields = new Map(fields.map((field) => [field.key, field]))
    this.#messages = i18n.createMessagesProvider()
  }

  async check(record: string[]): Promise<CheckedRow> {
    const problems: string[] = []
    const contact: ImportedContact = { phone: '', tags: [], attributes: {} }
    const custom: Record<string, unknown> = {}
    this.mapping.forEach((target, index) => {
      const value = (record[index] ?? '').trim()
      if (!target || !value) return
      if (target === 'name') contact.name = value.slice(0, 200)
      else if (target === 'email') contact.email = value
      else if (target === 'tags') contact.tags = [...new Set(value.split(/[;,|]/).map((tag) => tag.trim().slice(0, 60)).filter(Boolean))]
      else if (target === 'phone') contact.phone = value
      else {
        const field = this.#fields.get(target.slice(3))
        if (field) custom[field.key] = fieldInput(field, value)
      }
    })

    const raw = contact.phone
    contact.phone = raw ? (toE164(raw, this.country) ?? '') : ''
    if (!raw) problems.push(this.i18n.t('crm.import.problems.no_phone'))
    else if (!contact.phone) problems.push(this.i18n.t('crm.import.problems.bad_phone', { phone: raw }))
    if (contact.email) {
      try {
        await emailValidator.validate({ email: contact.email })
      } catch {
        problems.push(this.i18n.t('crm.import.problems.bad_email', { email: contact.email }))
      }
    }
    if (Object.keys(custom).length) {
      try {
        // The same fields array every row: its compiled validators are reused.
        const values = await validateFieldValues(this.fields, custom, { partial: true, messagesProvider: this.#messages })
        for (const [key, value] of Object.entries(values)) if (value !== null) contact.attributes[key] = value
      } catch (error) {
        if (!(error instanceof errors.E_VALIDATION_ERROR)) throw error
        problems.push(...(error.messages as { message: string }[]).map((message) => message.message))
      }
    }
    return problems.length ? { contact: null, problems } : { contact, problems: [] }
  }
}

/**
 * The workspace's contacts with these phones (`columns` of `contacts`), inside the caller's
 * transaction. Bitmap scans are off for this one statement: with a list of phones the planner
 * prices the phone trigram index below the unique (workspace_id, phone) btree, and the trigram
 * index reads the whole base for every "+7900…" phone (2 s per 500 phones on 50,000 contacts,
 * against a millisecond through the btree).
 */
export async function contactsByPhone<Row>(trx: TransactionClientContract, workspaceId: number, phones: string[], columns: string[], lock = false): Promise<Row[]> {
  if (!phones.length) return []
  await trx.rawQuery('set local enable_bitmapscan = off')
  const query = trx.from('contacts').where('workspace_id', workspaceId).whereIn('phone', phones).select(columns)
  const rows = await (lock ? query.forUpdate() : query)
  await trx.rawQuery('reset enable_bitmapscan')
  return rows
}
