import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Message, { type MessageStatus } from '#messaging/models/message'
import type { StatusEvent } from '#messaging/services/channel_provider'

/*
 * A status webhook can overtake the send job: the provider answers the send, fires "sent", and
 * the webhook is processed before the job stored the provider's id. Such a status waits in
 * pending_statuses. Each side writes, commits, and only then looks for the other's write: the
 * send job stores the id, then looks for pending statuses; the webhook side parks the status,
 * then looks for the message. Whichever commits second sees the other's row, so a parked status
 * is always picked up; deleting it is the claim, so it is applied once.
 */

const STATUS_TIME_COLUMN = { sent: 'sentAt', delivered: 'deliveredAt', read: 'readAt', failed: 'failedAt' } as const

type Status = StatusEvent['status']
export interface StatusChange {
  status: Status
  at: Date
  errorCode: string | null
  errorReason: string | null
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

const movedOf = (message: Message): Moved => ({
  workspaceId: message.workspaceId,
  messageId: message.id,
  conversationId: message.conversationId,
  status: message.status,
  errorCode: message.errorCode,
  errorReason: message.errorReason,
})

/** Writes the status columns of the messages that moved, in one statement. */
async function saveStatuses(client: TransactionClientContract, messages: Message[]) {
  if (!messages.length) return
  const rows = messages.map((message) => ({
    id: message.id,
    status: message.status,
    sent_at: message.sentAt,
    delivered_at: message.deliveredAt,
    read_at: message.readAt,
    failed_at: message.failedAt,
    error_code: message.errorCode,
    error_reason: message.errorReason,
  }))
  await client.rawQuery(
    `update messages m
        set status = v.status, sent_at = v.sent_at, delivered_at = v.delivered_at, read_at = v.read_at, failed_at = v.failed_at,
            error_code = v.error_code, error_reason = v.error_reason, updated_at = ?
       from jsonb_to_recordset(?::jsonb) as v(id bigint, status text, sent_at timestamptz, delivered_at timestamptz, read_at timestamptz,
                                              failed_at timestamptz, error_code text, error_reason text)
      where m.id = v.id`,
    [DateTime.now().toISO()!, JSON.stringify(rows)]
  )
}

/** The channel's provider id that is still waiting for its message. */
export interface Orphan {
  workspaceId: number
  channelId: number
  providerMessageId: string
}

/**
 * Applies a batch's statuses: their messages read and locked in one statement (in id order, the
 * order every batch locks messages in), moved forward in memory, the ones that moved written in
 * one more. Statuses whose message is not known (yet) are parked; the caller passes the returned
 * orphans to `adoptOrphans` once its transaction committed.
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
  const orphans = new Map<string, Orphan>()
  const parked: object[] = []
  const now = DateTime.now().toISO()!
  for (const { workspaceId, channelId, event } of statuses) {
    const key = `${channelId}:${event.providerMessageId}`
    const message = byKey.get(key)
    if (!message) {
      orphans.set(key, { workspaceId, channelId, providerMessageId: event.providerMessageId })
      parked.push({
        workspace_id: workspaceId,
        channel_id: channelId,
        provider_message_id: event.providerMessageId,
        status: event.status,
        occurred_at: event.timestamp,
        error_code: event.errorCode,
        error_reason: event.errorReason,
      })
      continue
    }
    if (!advance(message, { status: event.status, at: event.timestamp, errorCode: event.errorCode, errorReason: event.errorReason })) continue
    changed.add(message)
    moved.push(movedOf(message))
  }
  await saveStatuses(trx, [...changed])
  if (parked.length) {
    await trx.rawQuery(
      `insert into pending_statuses (workspace_id, channel_id, provider_message_id, status, occurred_at, error_code, error_reason, created_at)
       select v.workspace_id, v.channel_id, v.provider_message_id, v.status, v.occurred_at, v.error_code, v.error_reason, ?
         from jsonb_to_recordset(?::jsonb) as v(workspace_id int, channel_id int, provider_message_id text, status text, occurred_at timestamptz, error_code text, error_reason text)`,
      [now, JSON.stringify(parked)]
    )
  }
  return { moved, orphans: [...orphans.values()] }
}

/**
 * Applies the parked statuses of a provider id whose message exists by now, once: the rows are
 * deleted as they are applied, under the message's row lock. Called after the caller's own
 * write committed (see the top of this file). Returns the messages' moves, for the hooks.
 */
export async function adoptOrphan({ workspaceId, channelId, providerMessageId }: Orphan): Promise<Moved[]> {
  const waiting = await db
    .from('pending_statuses')
    .where('workspace_id', workspaceId)
    .where('channel_id', channelId)
    .where('provider_message_id', providerMessageId)
    .select('id')
    .first()
  if (!waiting) return []
  return db.transaction(async (trx) => {
    const message = await Message.query({ client: trx })
      .where('workspace_id', workspaceId)
      .where('channel_id', channelId)
      .where('provider_message_id', providerMessageId)
      .forUpdate()
      .first()
    if (!message) return []
    const claimed = await trx
      .from('pending_statuses')
      .where('workspace_id', workspaceId)
      .where('channel_id', channelId)
      .where('provider_message_id', providerMessageId)
      .delete()
      .returning(['status', 'occurred_at', 'error_code', 'error_reason', 'id'])
    const moved: Moved[] = []
    for (const row of claimed.sort((a, b) => Number(a.id) - Number(b.id))) {
      const change = { status: row.status as Status, at: new Date(row.occurred_at), errorCode: row.error_code, errorReason: row.error_reason }
      if (advance(message, change)) moved.push(movedOf(message))
    }
    await saveStatuses(trx, moved.length ? [message] : [])
    return moved
  })
}

/**
 * Stores the provider's id on a message the provider accepted, with status "sent" unless a
 * status already moved it further; then applies the statuses that arrived before it (two
 * autocommitted statements when none did). Returns the moves, for the hooks.
 */
export async function recordAccepted(message: Message, providerMessageId: string): Promise<Moved[]> {
  const accepted = { status: 'sent' as const, at: new Date(), errorCode: null, errorReason: null }
  const moved = advance(message, accepted) ? [movedOf(message)] : []
  message.providerMessageId = providerMessageId
  await db
    .from('messages')
    .where('id', message.id)
    .update({
      provider_message_id: providerMessageId,
      status: db.knexRawQuery(`case when status = 'queued' then 'sent' else status end`),
      sent_at: db.knexRawQuery('coalesce(sent_at, ?)', [DateTime.fromJSDate(accepted.at).toISO()!]),
      updated_at: DateTime.now().toISO()!,
    })
  return [...moved, ...(await adoptOrphan({ workspaceId: message.workspaceId, channelId: message.channelId, providerMessageId }))]
}
