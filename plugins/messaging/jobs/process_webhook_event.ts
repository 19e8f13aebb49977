import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { defineJob } from '#jobs/registry'
import Channel from '#messaging/models/channel'
import Message from '#messaging/models/message'
import { parseMetaWebhook, type InboundMessageEvent, type StatusEvent } from '#messaging/services/meta_webhook'
import { toE164, waIdOf } from '#messaging/services/phone'

const WINDOW_HOURS = 24

/** Upserts the contact, finds or opens the conversation, stores the message once. */
async function storeInbound(trx: TransactionClientContract, channel: Channel, event: InboundMessageEvent) {
  const phone = toE164(event.from)
  if (!phone) return
  const at = DateTime.fromJSDate(event.timestamp)
  const [contact] = await trx
    .insertQuery()
    .table('contacts')
    .insert({
      workspace_id: channel.workspaceId,
      phone,
      wa_id: waIdOf(phone),
      profile_name: event.profileName,
      first_seen_at: at.toSQL(),
      last_seen_at: at.toSQL(),
      created_at: DateTime.now().toSQL(),
      updated_at: DateTime.now().toSQL(),
    })
    .knexQuery.onConflict(['workspace_id', 'phone'])
    .merge({ profile_name: trx.knexRawQuery('coalesce(excluded.profile_name, contacts.profile_name)'), last_seen_at: at.toSQL(), updated_at: DateTime.now().toSQL() })
    .returning('id')

  // Serialises concurrent events of one contact (jobs run in parallel): one open conversation.
  await trx.from('contacts').where('id', contact.id).forUpdate().first()
  let conversation = await trx
    .from('conversations')
    .where('workspace_id', channel.workspaceId)
    .where('contact_id', contact.id)
    .where('channel_id', channel.id)
    .whereNot('status', 'resolved')
    .orderBy('id', 'desc')
    .first()
  if (!conversation) {
    ;[conversation] = await trx
      .insertQuery()
      .table('conversations')
      .insert({
        workspace_id: channel.workspaceId,
        contact_id: contact.id,
        channel_id: channel.id,
        status: 'open',
        last_activity_at: at.toSQL(),
        unread_count: 0,
        created_at: DateTime.now().toSQL(),
        updated_at: DateTime.now().toSQL(),
      })
      .returning('*')
  }

  const replyTo = event.replyToProviderId
    ? await trx.from('messages').select('id').where('workspace_id', channel.workspaceId).where('channel_id', channel.id).where('provider_message_id', event.replyToProviderId).first()
    : null
  // Webhooks are at-least-once: the unique key turns a repeat into nothing.
  const inserted = await trx
    .insertQuery()
    .table('messages')
    .insert({
      workspace_id: channel.workspaceId,
      conversation_id: conversation.id,
      channel_id: channel.id,
      direction: 'inbound',
      type: event.type,
      content: JSON.stringify(event.content),
      provider_message_id: event.providerMessageId,
      status: 'received',
      reply_to_id: replyTo?.id ?? null,
      author_type: 'contact',
      author_id: String(contact.id),
      created_at: at.toSQL(),
      updated_at: DateTime.now().toSQL(),
    })
    .knexQuery.onConflict(['workspace_id', 'channel_id', 'provider_message_id'])
    .ignore()
    .returning('id')
  if (!inserted.length) return

  await trx
    .from('conversations')
    .where('id', conversation.id)
    .update({
      last_activity_at: at.toSQL(),
      unread_count: trx.knexRawQuery('unread_count + 1'),
      window_expires_at: at.plus({ hours: WINDOW_HOURS }).toSQL(),
      updated_at: DateTime.now().toSQL(),
    })
}

const STATUS_TIME_COLUMN = { sent: 'sentAt', delivered: 'deliveredAt', read: 'readAt', failed: 'failedAt' } as const

/** Moves an outbound message's status forward; late or repeated statuses change nothing. */
async function applyStatus(trx: TransactionClientContract, channel: Channel, event: StatusEvent) {
  const message = await Message.query({ client: trx })
    .where('workspace_id', channel.workspaceId)
    .where('channel_id', channel.id)
    .where('provider_message_id', event.providerMessageId)
    .forUpdate()
    .first()
  if (!message || !message.advancesTo(event.status)) return
  message.status = event.status
  message[STATUS_TIME_COLUMN[event.status]] = DateTime.fromJSDate(event.timestamp)
  if (event.status === 'failed') {
    message.errorCode = event.errorCode
    message.errorReason = event.errorReason
  }
  await message.save()
}

/**
 * Turns one stored webhook (Meta's envelope: Cloud API and 360dialog) into contacts,
 * conversations, messages and statuses — in one transaction, then marks it processed.
 */
export const processWebhookEvent = defineJob<{ workspaceId: number; eventId: number }>({
  name: 'messaging.process_webhook_event',
  attempts: 8,
  async handle({ workspaceId, eventId }) {
    await db.transaction(async (trx) => {
      const event = await trx
        .from('webhook_events')
        .where('workspace_id', workspaceId)
        .where('id', eventId)
        .forUpdate()
        .first()
      if (!event || event.processed_at) return
      const channel = await Channel.findOrFail(event.channel_id, { client: trx })
      for (const parsed of parseMetaWebhook(JSON.parse(event.body))) {
        if (parsed.kind === 'message') await storeInbound(trx, channel, parsed)
        else await applyStatus(trx, channel, parsed)
      }
      await trx
        .from('webhook_events')
        .where('id', eventId)
        .update({ processed_at: DateTime.now().toSQL(), attempts: event.attempts + 1 })
    })
  },
})
