import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { defineJob } from '#jobs/registry'
import Channel from '#messaging/models/channel'
import Message from '#messaging/models/message'
import { providers } from '#messaging/services/providers'
import { storeMedia } from '#messaging/services/media_store'

/**
 * Copies an inbound message's file from the provider into our storage (provider media ids
 * expire after days, links after minutes), then records it on the message as `media_id`.
 * Retried with backoff: the provider's media host fails now and then.
 */
export const fetchMedia = defineJob<{ workspaceId: number; messageId: number }>({
  name: 'messaging.fetch_media',
  attempts: 6,
  backoff: 5000,
  async handle({ workspaceId, messageId }) {
    const message = await Message.query().where('workspace_id', workspaceId).where('id', messageId).first()
    if (!message || message.content.media_id) return
    const reference = (message.content.id ?? message.content.link) as string | undefined
    if (!reference) return
    const channel = await Channel.findOrFail(message.channelId)
    const file = await providers.get(channel.provider).downloadMedia(channel, reference)
    const filename = (message.content.filename as string | undefined) ?? `${message.type}-${message.id}`
    await db.transaction(async (trx) => {
      const media = await storeMedia({ workspaceId, messageId, bytes: file.bytes, mime: file.mime, filename }, trx)
      await trx
        .from('messages')
        .where('id', messageId)
        .update({ content: trx.knexRawQuery(`content || jsonb_build_object('media_id', ?::bigint)`, [media.id]), updated_at: DateTime.now().toSQL() })
    })
  },
})
