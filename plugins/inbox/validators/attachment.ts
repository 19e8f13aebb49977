import vine from '@vinejs/vine'

/**
 * A file from the composer (button or drop) and its caption (1024 characters, WhatsApp's limit
 * for a caption). 20 MB is the request limit; each kind's own limit is the send action's check
 * (services/attachments.ts), with a message that names it.
 */
export const attachmentValidator = vine.compile(
  vine.object({
    file: vine.file({ size: '20mb' }),
    caption: vine.string().trim().maxLength(1024).optional(),
  })
)
