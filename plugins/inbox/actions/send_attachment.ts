import type { I18n } from '@adonisjs/i18n'
import { sendMessage } from '#messaging/actions/send_message'
import type Conversation from '#messaging/models/conversation'
import { FAILURE_REASONS } from '#messaging/services/channel_provider'
import { storeMedia } from '#messaging/services/media_store'
import { Refusal } from '#messaging/services/refusal'
import { sendMessageValidator } from '#messaging/validators/message'
import { ATTACHMENT_LIMITS, attachmentKind, canonicalMime, megabytes } from '#inbox/services/attachments'

export interface SendAttachmentOptions {
  conversation: Conversation
  file: { bytes: Buffer; mime: string; filename: string }
  caption?: string
  authorId: number
  /** The agent's language, for the refusal's message. */
  i18n: I18n
}

/**
 * Sends a file as an image, video, audio or document, by its type (services/attachments.ts),
 * through messaging's send path: stored as our media, then `sendMessage` with its `mediaId`
 * (the send job uploads it to the provider). Refused with a 422 on `file` when WhatsApp would
 * refuse its size, and like a text outside the 24-hour window — both before the file is stored.
 * Audio takes no caption on WhatsApp: a caption given with one is not sent.
 */
export async function sendAttachment({ conversation, file, caption, authorId, i18n }: SendAttachmentOptions) {
  const kind = attachmentKind(file.mime)
  const { maxBytes } = ATTACHMENT_LIMITS[kind]
  if (file.bytes.length > maxBytes) {
    throw new Refusal(i18n.t('inbox.attachments.too_large', { kind: i18n.t(`inbox.attachments.kinds.${kind}`), max: megabytes(maxBytes), size: megabytes(file.bytes.length) }), 'file')
  }
  if (!conversation.windowOpen) throw new Refusal(FAILURE_REASONS.window_closed.text)

  const media = await storeMedia({ workspaceId: conversation.workspaceId, bytes: file.bytes, mime: canonicalMime(file.mime), filename: file.filename })
  const content = {
    mediaId: media.id,
    ...(caption && kind !== 'audio' ? { caption } : {}),
    ...(kind === 'document' ? { filename: media.filename } : {}),
  }
  const input = await sendMessageValidator.validate({ type: kind, [kind]: content })
  return sendMessage({ conversation, input, author: { type: 'agent', id: authorId } })
}
