import { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Message, { type MessageStatus } from '#messaging/models/message'
import type { StatusEvent } from '#messaging/services/channel_provider'

const STATUS_TIME_COLUMN = { sent: 'sentAt', delivered: 'deliveredAt', read: 'readAt', failed: 'failedAt' } as const

type Status = StatusEvent['status']
export interface StatusChange {
  status: Status
  at: Date
  errorCode: string | null
  errorReason: string | null
}

/**
 * A status webhook can overtake the send job: the provider answers the send, fires "sent", and
 * the webhook is processed before the job stored the provider's id. Both sides take this lock
 * for the id, so a status either finds its message or waits in pending_statuses, which the send
 * job drains under the same lock.
 */
function lockProviderId(trx: TransactionClientContract, channelId: number, providerMessageId: string) {
  return trx.rawQuery('select pg_advisory_xact_lock(hashtext(?))', [`${channelId}:${providerMessageId}`])
}

/** Moves the message forward; late or repeated statuses change nothing. Returns whether it moved. */
export function advance(message: Message, change: StatusChange) {
  if (!message.advancesTo(change.status)) return false
  message.status = change.status as MessageStatus
  message[STATUS_TIME_COLUMN[change.status]] = DateTime.fromJSDate(change.at)
  if (change.status === 'failed') {
    message.errorCode = change.errorCode
    message.errorReason = change.errorReason
  }
  return true
}

const findByProviderId = (trx: TransactionClientContract, workspaceId: number, channelId: number, providerMessageId: string) =>
  Message.query({ client: trx })
    .where('workspace_id', workspaceId)
    .where('channel_id', channelId)
    .where('provider_message_id', providerMessageId)
    .forUpdate()
    .first()

/** Applies a provider's status to its outbound message; returns the message when it moved. */
export async function applyStatus(trx: TransactionClientContract, workspaceId: number, channelId: number, event: StatusEvent) {
  let message = await findByProviderId(trx, workspaceId, channelId, event.providerMessageId)
  if (!message) {
    await lockProviderId(trx, channelId, event.providerMessageId)
    message = await findByProviderId(trx, workspaceId, channelId, event.providerMessageId)
  }
  const change = { status: event.status, at: event.timestamp, errorCode: event.errorCode, errorReason: event.errorReason }
  if (!message) {
    await trx.insertQuery().table('pending_statuses').insert({
      workspace_id: workspaceId,
      channel_id: channelId,
      provider_message_id: event.providerMessageId,
      status: event.status,
      occurred_at: DateTime.fromJSDate(event.timestamp).toSQL(),
      error_code: event.errorCode,
      error_reason: event.errorReason,
      created_at: DateTime.now().toSQL(),
    })
    return null
  }
  if (!advance(message, change)) return null
  await message.save()
  return message
}

export interface StatusOfChannel {
  workspaceId: number
  channelId: number
  event: StatusEvent
}

/** A status that moved its message: what the hook announces. */
export interface Moved {
  workspaceId: number
  messageId: number
  conversationId: number
  status: MessageStatus
  errorCode: string | null
  errorReason: string | null
}

/**
 * Applies a batch's statuses: their messages read and locked in one statement (in id order, the
 * order every batch locks messages in), moved forward in memory, the ones that moved written
 * in one more. A status whose message is not known (yet) goes through `applyStatus`.
 */
export async function applyStatuses(trx: TransactionClientContract, statuses: StatusOfChannel[]) {
  const keys = statuses.map(({ workspaceId, channelId, event }) => ({ workspace_id: workspaceId, channel_id: channelId, provider_message_id: event.providerMessageId }))
  const messages = await Message.query({ client: trx })
    .joinRaw(
      `join jsonb_to_recordset(?::jsonb) as v(workspace_id int, channel_id int, provider_message_id text)
         on messages.workspace_id = v.workspace_id and messages.channel_id = v.channel_id and messages.provider_message_id = v.provider_message_id`,
      [JSON.stringify(keys)]
    )
    .select('messages.*')
    .orderBy('messages.id')
    .forUpdate('messages')
  const byKey = new Map(messages.map((message) => [`${message.channelId}:${message.providerMessageId}`, message]))

  const moved: Moved[] = []
  const changed = new Set<Message>()
  for (const { workspaceId, channelId, event } of statuses) {
    const message = byKey.get(`${channelId}:${event.providerMessageId}`)
    if (!message) {
      const late = await applyStatus(trx, workspaceId, channelId, event)
      if (late) moved.push(movedOf(late))
      continue
    }
    if (!advance(message, { status: event.status, at: event.timestamp, errorCode: event.errorCode, errorReason: event.errorReason })) continue
    changed.add(message)
    moved.push(movedOf(message))
  }
  if (changed.size) {
    const rows = [...changed].map((message) => ({
      id: message.id,
      status: message.status,
      sent_at: message.sentAt,
      delivered_at: message.deliveredAt,
      read_at: message.readAt,
      failed_at: message.failedAt,
      error_code: message.errorCode,
      error_reason: message.errorReason,
    }))
    await trx.rawQuery(
      `update messages m
          set status = v.status, sent_at = v.sent_at, delivered_at = v.delivered_at, read_at = v.read_at, failed_at = v.failed_at,
              error_code = v.error_code, error_reason = v.error_reason, updated_at = ?
         from jsonb_to_recordset(?::jsonb) as v(id bigint, status text, sent_at timestamptz, delivered_at timestamptz, read_at timestamptz,
                                                failed_at timestamptz, error_code text, error_reason text)
        where m.id = v.id`,
      [DateTime.now().toISO()!, JSON.stringify(rows)]
    )
  }
  return moved
}

const movedOf = (message: Message): Moved => ({
  workspaceId: message.workspaceId,
  messageId: message.id,
  conversationId: message.conversationId,
  status: message.status,
  errorCode: message.errorCode,
  errorReason: message.errorReason,
})

/**
 * Stores the provider's id on a message the provider accepted (status "sent" at least), then
 * applies the statuses that arrived before it. Returns the statuses the message moved through.
 */
export async function recordAccepted(trx: TransactionClientContract, message: Message, providerMessageId: string) {
  await lockProviderId(trx, message.channelId, providerMessageId)
  message.providerMessageId = providerMessageId
  const moved: StatusChange[] = []
  const accepted = { status: 'sent' as const, at: new Date(), errorCode: null, errorReason: null }
  if (advance(message, accepted)) moved.push(accepted)
  const pending = await trx
    .from('pending_statuses')
    .where('workspace_id', message.workspaceId)
    .where('channel_id', message.channelId)
    .where('provider_message_id', providerMessageId)
    .orderBy('id')
  for (const row of pending) {
    const change = { status: row.status as Status, at: new Date(row.occurred_at), errorCode: row.error_code, errorReason: row.error_reason }
    if (advance(message, change)) moved.push(change)
  }
  if (pending.length) await trx.from('pending_statuses').whereIn('id', pending.map((row) => row.id)).delete()
  await message.useTransaction(trx).save()
  return moved
}
