import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { defineJob, jobs } from '#jobs/registry'
import { hooks } from '#hooks/bus'
import Channel from '#messaging/models/channel'
import { MEDIA_TYPES } from '#messaging/models/message'
import type { InboundMessageEvent, OptEvent } from '#messaging/services/channel_provider'
import { providers } from '#messaging/services/providers'
import { applyStatus } from '#messaging/services/statuses'
import { withoutNul } from '#messaging/services/sanitize'
import { toE164, waIdOf } from '#messaging/services/phone'
import { fetchMedia } from '#messaging/jobs/fetch_media'

const WINDOW_HOURS = 24

/** What happened in the transaction, announced on the hook bus once it committed. */
type Announcement = () => Promise<unknown>

/** Inserts or refreshes the contact by phone; says whether it is new. */
async function upsertContact(trx: TransactionClientContract, channel: Channel, phone: string, profileName: string | null, at: DateTime) {
  const now = DateTime.now().toSQL()
  const { rows } = await trx.rawQuery(
    `insert into contacts (workspace_id, phone, wa_id, profile_name, first_seen_at, last_seen_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (workspace_id, phone) do update
       set profile_name = coalesce(excluded.profile_name, contacts.profile_name),
           last_seen_at = greatest(contacts.last_seen_at, excluded.last_seen_at),
           updated_at = excluded.updated_at
     returning id, (xmax = 0) as inserted`,
    [channel.workspaceId, phone, waIdOf(phone), profileName as string, at.toSQL()!, at.toSQL()!, now!, now!]
  )
  return { id: Number(rows[0].id), inserted: rows[0].inserted as boolean }
}

/** Upserts the contact, opens (or reopens) the conversation, stores the message once. */
async function storeInbound(trx: TransactionClientContract, channel: Channel, event: InboundMessageEvent, announce: Announcement[]) {
  const phone = toE164(event.from)
  if (!phone) return
  const workspaceId = channel.workspaceId
  const at = DateTime.fromJSDate(event.timestamp)
  // The upsert locks the contact's row until commit: concurrent events of one contact (jobs run
  // in parallel) take turns here, so there is one conversation and one copy of each message.
  const contact = await upsertContact(trx, channel, phone, event.profileName, at)

  const known = await trx
    .from('messages')
    .select('id')
    .where('workspace_id', workspaceId)
    .where('channel_id', channel.id)
    .where('provider_message_id', event.providerMessageId)
    .first()
  if (known) return

  let conversation = await trx
    .from('conversations')
    .where('workspace_id', workspaceId)
    .where('contact_id', contact.id)
    .where('channel_id', channel.id)
    .orderBy('id', 'desc')
    .first()
  // Pending stays pending (a bot is on it); resolved and snoozed conversations reopen.
  const reopened = !!conversation && ['resolved', 'snoozed'].includes(conversation.status)
  const opened = !conversation || reopened
  if (!conversation) {
    ;[conversation] = await trx
      .insertQuery()
      .table('conversations')
      .insert({
        workspace_id: workspaceId,
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

  // Replies quote through context; reactions point at the message they react to.
  const target = event.type === 'reaction' ? event.content.message_id : event.replyToProviderId
  const replyTo = typeof target === 'string'
    ? await trx.from('messages').select('id').where('workspace_id', workspaceId).where('channel_id', channel.id).where('provider_message_id', target).first()
    : null
  const [message] = await trx
    .insertQuery()
    .table('messages')
    .insert({
      workspace_id: workspaceId,
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
    .returning('id')

  const windowExpiresAt = at.plus({ hours: WINDOW_HOURS })
  await trx
    .from('conversations')
    .where('id', conversation.id)
    .update({
      ...(reopened ? { status: 'open', snoozed_until: null } : {}),
      last_activity_at: trx.knexRawQuery('greatest(last_activity_at, ?)', [at.toSQL()!]),
      unread_count: trx.knexRawQuery('unread_count + 1'),
      window_expires_at: trx.knexRawQuery('greatest(coalesce(window_expires_at, ?), ?)', [windowExpiresAt.toSQL()!, windowExpiresAt.toSQL()!]),
      updated_at: DateTime.now().toSQL(),
    })

  const ids = { workspaceId, conversationId: Number(conversation.id), contactId: contact.id, channelId: channel.id }
  const messageId = Number(message.id)
  if (contact.inserted) announce.push(() => hooks.emit('contact.created', { workspaceId, contactId: contact.id, phone, source: 'inbound' }))
  // A new conversation, or one reopened from pending / snoozed / resolved.
  if (opened) {
    announce.push(() => hooks.emit('conversation.opened', { ...ids, reopened }))
  }
  announce.push(() => hooks.emit('message.received', { ...ids, messageId, type: event.type }))
  if ((MEDIA_TYPES as readonly string[]).includes(event.type)) {
    announce.push(() => jobs.dispatch(fetchMedia, { workspaceId, messageId }, { jobId: `media-${messageId}`, removeOnComplete: true }))
  }
}

/** Gupshup tells when a customer opts in or out. */
async function applyOpt(trx: TransactionClientContract, channel: Channel, event: OptEvent) {
  const phone = toE164(event.from)
  if (!phone) return
  const at = DateTime.fromJSDate(event.timestamp)
  await upsertContact(trx, channel, phone, null, at)
  await trx
    .from('contacts')
    .where('workspace_id', channel.workspaceId)
    .where('phone', phone)
    .update({ opt_in_status: event.optedIn ? 'opted_in' : 'opted_out', opt_in_source: channel.provider, opt_in_at: at.toSQL() })
}

/**
 * Turns one stored webhook into contacts, conversations, messages and statuses — in one
 * transaction, then marks it processed; the hooks fire once it has committed.
 */
export const processWebhookEvent = defineJob<{ workspaceId: number; eventId: number }>({
  name: 'messaging.process_webhook_event',
  attempts: 8,
  async handle({ workspaceId, eventId }) {
    const announce: Announcement[] = []
    await db.transaction(async (trx) => {
      const event = await trx
        .from('webhook_events')
        .where('workspace_id', workspaceId)
        .where('id', eventId)
        .forUpdate()
        .first()
      if (!event || event.processed_at) return
      const channel = await Channel.findOrFail(event.channel_id, { client: trx })
      for (const parsed of withoutNul(providers.get(channel.provider).parseWebhook(JSON.parse(event.body)))) {
        if (parsed.kind === 'message') await storeInbound(trx, channel, parsed, announce)
        else if (parsed.kind === 'opt') await applyOpt(trx, channel, parsed)
        else {
          const moved = await applyStatus(trx, workspaceId, channel.id, parsed)
          if (moved) {
            announce.push(() =>
              hooks.emit('message.statusChanged', {
                workspaceId,
                messageId: moved.id,
                conversationId: moved.conversationId,
                status: moved.status,
                errorCode: moved.errorCode,
                errorReason: moved.errorReason,
              })
            )
          }
        }
      }
      await trx
        .from('webhook_events')
        .where('id', eventId)
        .update({ processed_at: DateTime.now().toSQL(), attempts: event.attempts + 1 })
    })
    for (const fire of announce) await fire()
  },
})

/**
 * Queues the processing of a stored event: one job per event while it waits or runs, however
 * often it is asked (finished jobs are dropped, so the id only guards against twins in flight).
 */
export function queueWebhookEvent(workspaceId: number, eventId: number) {
  return jobs.dispatch(processWebhookEvent, { workspaceId, eventId }, webhookJobOptions(eventId))
}

export const webhookJobOptions = (eventId: number) => ({ jobId: `webhook-${eventId}`, removeOnComplete: true })
