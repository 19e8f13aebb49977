import vine from '@vinejs/vine'

/** What follows "/" in the composer: lower-case letters, digits, "_" and "-" (stored lower-case). */
const SHORTCUT = /^[a-z0-9_-]{1,32}$/

/**
 * A quick reply from the settings form. The shortcut is unique in the workspace (meta
 * `workspaceId`; `ignoreId` when editing that reply). 4096 characters is a WhatsApp text's limit.
 */
export const quickReplyValidator = vine.compile(
  vine.object({
    shortcut: vine
      .string()
      .trim()
      .toLowerCase()
      .regex(SHORTCUT)
      .unique(async (db, value, field) => {
        const taken = db.from('inbox_quick_replies').where('workspace_id', field.meta.workspaceId).where('shortcut', value)
        if (field.meta.ignoreId) taken.whereNot('id', field.meta.ignoreId)
        return !(await taken.first())
      }),
    body: vine.string().trim().minLength(1).maxLength(4096),
  })
)

/** The settings list: search (shortcut or text) and page. */
export const quickReplyListValidator = vine.compile(
  vine.object({
    q: vine.string().trim().maxLength(100).optional(),
    page: vine.number().withoutDecimals().positive().max(100000).optional(),
  })
)

/** The composer's popup: what follows "/" so far (may be empty: the first few). */
export const quickReplySearchValidator = vine.compile(
  vine.object({
    q: vine.string().trim().maxLength(32).optional(),
  })
)
