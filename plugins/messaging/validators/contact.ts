import vine from '@vinejs/vine'

const name = vine.string().trim().minLength(1).maxLength(200)
const phone = vine.string().trim().regex(/^\+?[\d\s().-]{5,24}$/)

export const storeContactValidator = vine.compile(
  vine.object({
    name: name.optional(),
    phone,
    locale: vine.string().trim().regex(/^[a-z]{2}([_-][A-Za-z]{2})?$/).optional(),
    attributes: vine.record(vine.any()).optional(),
  })
)

export const updateContactValidator = vine.compile(
  vine.object({
    name: name.nullable().optional(),
    locale: vine.string().trim().regex(/^[a-z]{2}([_-][A-Za-z]{2})?$/).nullable().optional(),
    blocked: vine.boolean().optional(),
    attributes: vine.record(vine.any()).optional(),
  })
)

export const listContactsValidator = vine.compile(
  vine.object({
    search: vine.string().trim().maxLength(100).optional(),
    page: vine.number().withoutDecimals().min(1).optional(),
    perPage: vine.number().withoutDecimals().range([1, 100]).optional(),
  })
)
