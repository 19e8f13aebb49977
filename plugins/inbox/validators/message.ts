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

/** GET …/messages?before=<id>: the page of messages older than that one; without it the latest page (a live catch-up). */
export const olderMessagesValidator = vine.compile(vine.object({ before: id.clone().optional() }))

// A template parameter is at most 1024 characters (WhatsApp's limit; messaging's validator agrees).
const parameter = vine.string().trim().maxLength(1024).nullable()

/**
 * The closed-window composer: one of the channel's templates (`templateId`, our row) and its
 * parameters, `header` (a text, or a media header's link) and `body[0]`, `body[1]`… in the
 * order of the template's placeholders. The same fields ask for its preview; a missing
 * parameter is the send action's 422 (services know how many the template takes).
 */
export const templateMessageValidator = vine.compile(
  vine.object({
    templateId: id.clone(),
    header: parameter.clone().optional(),
    body: vine.array(parameter.clone()).maxLength(20).optional(),
  })
)
