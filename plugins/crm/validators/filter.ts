import vine, { errors } from '@vinejs/vine'
import type { MessagesProviderContact } from '@vinejs/vine/types'
import type { ContactFilter } from '#crm/services/contact_filter'

/** The filter language's shape (what each rule means is checked by services/contact_filter.ts). */
const rule = vine.object({
  field: vine.string().trim().maxLength(60),
  op: vine.string().trim().maxLength(30),
  value: vine.any().optional(),
})

const MATCH = ['all', 'any'] as const

/** A group inside the top one: rules only (two levels of AND / OR are enough to say anything a user builds). */
const innerGroup = vine.object({ match: vine.enum(MATCH), rules: vine.array(rule).maxLength(20) })

const filterSchema = vine.object({
  match: vine.enum(MATCH),
  rules: vine
    .array(vine.union([vine.union.if((value) => vine.helpers.isObject(value) && 'rules' in value, innerGroup), vine.union.else(rule)]))
    .maxLength(20),
})

const filterValidator = vine.compile(vine.object({ filter: filterSchema }))

/**
 * A filter from the URL or a form (JSON text) or from the API (an object), checked for shape;
 * a 422 on `filter` (or `filter.rules.<i>…`) otherwise.
 */
export async function parseFilter(input: unknown, messagesProvider?: MessagesProviderContact): Promise<ContactFilter> {
  let filter = input
  if (typeof input === 'string') {
    try {
      filter = JSON.parse(input)
    } catch {
      throw new errors.E_VALIDATION_ERROR([{ field: 'filter', rule: 'json', message: 'The filter is not valid JSON' }])
    }
  }
  const valid = await filterValidator.validate({ filter }, { messagesProvider })
  return valid.filter as ContactFilter
}
