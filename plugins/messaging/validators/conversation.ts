import vine from '@vinejs/vine'

const id = vine.number().withoutDecimals().positive()

export const listConversationsValidator = vine.compile(
  vine.object({
    status: vine.enum(['open', 'pending', 'snoozed', 'resolved']).optional(),
    // A user id, or "none" for unassigned.
    assignee: vine.string().regex(/^(none|[1-9]\d{0,9})$/).optional(),
    channel: id.optional(),
    contact: id.optional(),
    page: vine.number().withoutDecimals().min(1).optional(),
    perPage: vine.number().withoutDecimals().range([1, 100]).optional(),
  })
)

export const listMessagesValidator = vine.compile(
  vine.object({
    page: vine.number().withoutDecimals().min(1).optional(),
    perPage: vine.number().withoutDecimals().range([1, 200]).optional(),
  })
)

export const markReadValidator = vine.compile(vine.object({ typing: vine.boolean().optional() }))
