import vine from '@vinejs/vine'

const id = vine.number().withoutDecimals().positive().max(Number.MAX_SAFE_INTEGER)

/**
 * The composer's text reply. 4096 characters is WhatsApp's limit for a text (messaging's
 * validator checks the same for the API).
 */
export const replyValidator = vine.compile(
  vine.object({
    body: vine.string().trim().minLength(1).maxLength(4096),
    replyToId: id.clone().optional(),
  })
)

/** GET …/messages?before=<id>: the page of messages older than that one. */
export const olderMessagesValidator = vine.compile(vine.object({ before: id.clone() }))
