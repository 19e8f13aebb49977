import type { HttpContext } from '@adonisjs/core/http'
import { readFile } from 'node:fs/promises'
import { sendAttachment } from '#inbox/actions/send_attachment'
import { attachmentValidator } from '#inbox/validators/attachment'
import { findConversation, labelled, sentMessage } from '#inbox/controllers/context'

/** Files from the composer (button or drag and drop). */
export default class AttachmentsController {
  /** POST …/attachments: the file as an image, video, audio or document; HTMX gets the message, a form goes back. */
  async store(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const { file, caption } = await ctx.request.validateUsing(attachmentValidator, { messagesProvider: labelled(ctx, 'inbox.attachments.fields') })
    // The type found in the file's first bytes when it has a known signature, else the one the browser sent.
    const mime = file.type && file.subtype ? `${file.type}/${file.subtype}` : (file.headers['content-type'] ?? 'application/octet-stream')
    const message = await sendAttachment({
      conversation,
      file: { bytes: await readFile(file.tmpPath!), mime, filename: file.clientName },
      caption,
      authorId: ctx.auth.user!.id,
      i18n: ctx.i18n,
    })
    return sentMessage(ctx, conversation, message)
  }
}
