import { DateTime } from 'luxon'
import { defineJob } from '#jobs/registry'
import { hooks } from '#hooks/bus'
import Channel from '#messaging/models/channel'
import Media from '#messaging/models/media'
import Message from '#messaging/models/message'
import MessageTemplate from '#messaging/models/message_template'
import { MEDIA_TYPES } from '#messaging/models/message'
import { ProviderError, type ChannelProvider } from '#messaging/services/channel_provider'
import { providers } from '#messaging/services/providers'
import { readMedia } from '#messaging/services/media_store'
import { signedMediaUrl } from '#messaging/services/media_links'
import { recordAccepted } from '#messaging/services/statuses'
import { waitForSendSlot } from '#messaging/services/send_rate'

/**
 * What the provider receives for a stored message: our references (media, the reacted-to message,
 * the synced template) turned into the provider's. A media upload is remembered on the message,
 * so a retry does not upload again.
 */
async function providerContent(message: Message, channel: Channel, provider: ChannelProvider) {
  const { mediaId, ...content } = message.content as Record<string, any>
  if ((MEDIA_TYPES as readonly string[]).includes(message.type) && mediaId !== undefined) {
    const media = await Media.query().where('workspace_id', message.workspaceId).where('id', mediaId).firstOrFail()
    const name = message.type === 'document' ? { filename: content.filename ?? media.filename } : {}
    if (!provider.features.mediaUpload) return { ...content, ...name, link: signedMediaUrl(media) }
    if (!content.id) {
      const uploaded = await provider.uploadMedia(channel, { bytes: await readMedia(media), mime: media.mime, filename: media.filename })
      message.content = { ...message.content, id: uploaded.id }
      await message.save()
      content.id = uploaded.id
    }
    return { ...content, ...name }
  }
  if (message.type === 'reaction') {
    const target = await Message.query().where('workspace_id', message.workspaceId).where('id', content.messageId).firstOrFail()
    return { message_id: target.providerMessageId, emoji: content.emoji ?? '' }
  }
  if (message.type === 'template' && provider.features.templateIds) {
    const template = await MessageTemplate.named(channel, content.name, content.language?.code)
    return { ...content, provider_template_id: template?.providerTemplateId }
  }
  return content
}

/** The message failed for good: its status, reason, and the channel's health say so. */
async function fail(message: Message, channel: Channel, error: ProviderError) {
  message.status = 'failed'
  message.failedAt = DateTime.now()
  message.errorCode = error.code
  message.errorReason = error.humanReason
  await message.save()
  await channel.merge({ lastError: error.message.slice(0, 500), lastErrorAt: DateTime.now() }).save()
  await hooks.emit('message.statusChanged', {
    workspaceId: message.workspaceId,
    messageId: message.id,
    conversationId: message.conversationId,
    status: 'failed',
    errorCode: message.errorCode,
    errorReason: message.errorReason,
  })
}

/**
 * Sends one queued message through its channel's provider, within the channel's rate. Retryable
 * errors (throttling, 5xx, timeouts) are thrown so the queue retries with backoff and jitter;
 * permanent ones, and the last attempt, fail the message with the human reason.
 */
export const sendQueuedMessage = defineJob<{ workspaceId: number; messageId: number }>({
  name: 'messaging.send_queued_message',
  queue: 'messaging-send',
  concurrency: 64,
  attempts: 8,
  backoff: 2000,
  async handle({ workspaceId, messageId }, job) {
    // The message with its recipient, in one query.
    const message = await Message.query()
      .join('conversations', 'conversations.id', 'messages.conversation_id')
      .join('contacts', 'contacts.id', 'conversations.contact_id')
      .where('messages.workspace_id', workspaceId)
      .where('messages.id', messageId)
      .select('messages.*', 'contacts.wa_id as recipient_wa_id', 'contacts.phone as recipient_phone')
      .first()
    // Sent once: a repeated job finds the message no longer queued.
    if (!message || message.status !== 'queued') return
    const channel = await Channel.cached(message.channelId)
    if (!channel || channel.workspaceId !== workspaceId) return
    const provider = providers.get(channel.provider)

    let providerMessageId: string
    try {
      const replyTo = message.replyToId ? await Message.find(message.replyToId) : null
      const content = await providerContent(message, channel, provider)
      await waitForSendSlot(channel.id, channel.throughputPerSecond)
      ;({ providerMessageId } = await provider.send(channel, {
        to: message.$extras.recipient_wa_id ?? String(message.$extras.recipient_phone).replace(/\D/g, ''),
        type: message.type,
        content,
        replyToProviderId: replyTo?.providerMessageId ?? null,
      }))
    } catch (error) {
      const failure = error instanceof ProviderError ? error : new ProviderError('provider', null, (error as Error).message)
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
      if (failure.retryable && !lastAttempt) throw failure
      await fail(message, channel, failure)
      return
    }

    const moved = await recordAccepted(message, providerMessageId)
    await hooks.emit('message.sent', { workspaceId, messageId, conversationId: message.conversationId, providerMessageId })
    for (const change of moved) await hooks.emit('message.statusChanged', change)
  },
})
