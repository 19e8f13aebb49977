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

interface MessageKey {
  workspace_id: number
  channel_id: number
  provider_message_id: string
}

/** The messages these provider ids name, read and locked in one statement, in id order (the order every batch locks messages in). */
function lockMessages(trx: TransactionClientContract, keys: MessageKey[]) {
  return Message.query({ client: trx })
    .joinRaw(
      `join jsonb_to_recordset(?::jsonb) as v(workspace_id int, channel_id int, provider_message_id text)
         on messages.workspace_id = v.workspace_id and messages.channel_id = v.channel_id and messages.provider_message_id = v.provider_message_id`,
      [JSON.stringify(keys)]
    )
    .select('messages.*')
    .orderBy('messages.id')
    .forUpdate('messages')
}

/**
 * Applies a batch's statuses: their messages read and locked in one statement (in id order, the
 * order every batch locks messages in), moved forward in memory, the ones that moved written in
 * one more. Statuses whose message is not known (yet) are parked; the caller passes the returned
 * orphans to `adoptOrphans` once its transaction committed.
 */
export async function applyStatuses(trx: TransactionClientContract, statuses: StatusOfChannel[]) {
  const keys = statuses.map(({ workspaceId, channelId, event }) => ({ workspace_id: workspaceId, channel_id: channelId, provider_message_id: event.providerMessageId }))
  const messages = await lockMessages(trx, keys)
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

const keyOf = (orphan: Orphan): MessageKey => ({ workspace_id: orphan.workspaceId, channel_id: orphan.channelId, provider_message_id: orphan.providerMessageId })

/**
 * Applies the parked statuses of provider ids whose messages exist by now, once: the rows are
 * deleted as they are applied, under their messages' row locks. Called after the caller's own
 * write committed (see the top of this file). One statement when nothing is parked (the common
 * case), a short transaction otherwise. Returns the messages' moves, for the hooks.
 */
export async function adoptOrphans(orphans: Orphan[]): Promise<Moved[]> {
  if (!orphans.length) return []
  const keys = JSON.stringify(orphans.map(keyOf))
  const parked = `pending_statuses p join jsonb_to_recordset(?::jsonb) as v(workspace_id int, channel_id int, provider_message_id text)
                    on p.workspace_id = v.workspace_id and p.channel_id = v.channel_id and p.provider_message_id = v.provider_message_id`
  const { rows: waiting } = await db.rawQuery(`select distinct p.workspace_id, p.channel_id, p.provider_message_id from ${parked}`, [keys])
  if (!waiting.length) return []
  return db.transaction(async (trx) => {
    const messages = await lockMessages(trx, waiting)
    if (!messages.length) return []
    const found = JSON.stringify(messages.map((message) => ({ workspace_id: message.workspaceId, channel_id: message.channelId, provider_message_id: message.providerMessageId })))
    const { rows: claimed } = await trx.rawQuery(
      `delete from pending_statuses p using jsonb_to_recordset(?::jsonb) as v(workspace_id int, channel_id int, provider_message_id text)
        where p.workspace_id = v.workspace_id and p.channel_id = v.channel_id and p.provider_message_id = v.provider_message_id
        returning p.id, p.channel_id, p.provider_message_id, p.status, p.occurred_at, p.error_code, p.error_reason`,
      [found]
    )
    const byKey = new Map(messages.map((message) => [`${message.channelId}:${message.providerMessageId}`, message]))
    const moved: Moved[] = []
    const changed = new Set<Message>()
    for (const row of claimed.sort((a: any, b: any) => Number(a.id) - Number(b.id))) {
      const message = byKey.get(`${row.channel_id}:${row.provider_message_id}`)!
      const change = { status: row.status as Status, at: new Date(row.occurred_at), errorCode: row.error_code, errorReason: row.error_reason }
      if (!advance(message, change)) continue
      changed.add(message)
      moved.push(movedOf(message))
    }
    await saveStatuses(trx, [...changed])
    return moved
  })
}

/** How one send attempt of a queued message ended. */
export type SendResult =
  | { message: Message; outcome: 'sent'; providerMessageId: string; at: Date }
  | { message: Message; outcome: 'retry'; nextAttemptAt: Date }
  | { message: Message; outcome: 'failed'; at: Date; errorCode: string | null; errorReason: string }

/**
 * Records a batch of send attempts in one statement: the accepted get their provider id and
 * "sent", the retried their next attempt time, the failed their code and reason; each counts
 * the attempt. Then applies the statuses that arrived before the ids (see the top of this
 * file). Returns the moves, for the hooks.
 */
export async function recordSendResults(results: SendResult[]): Promise<Moved[]> {
  if (!results.length) return []
  const moved: Moved[] = []
  const rows = results.map((result) => {
    const { message } = result
    message.attempts = (message.attempts ?? 0) + 1
    if (result.outcome === 'sent') {
      if (advance(message, { status: 'sent', at: result.at, errorCode: null, errorReason: null })) moved.push(movedOf(message))
      message.providerMessageId = result.providerMessageId
      return { id: message.id, outcome: 'sent', provider_message_id: result.providerMessageId, at: result.at.toISOString() }
    }
    if (result.outcome === 'failed') {
      if (advance(message, { status: 'failed', at: result.at, errorCode: result.errorCode, errorReason: result.errorReason })) moved.push(movedOf(message))
      return { id: message.id, outcome: 'failed', at: result.at.toISOString(), error_code: result.errorCode, error_reason: result.errorReason }
    }
    message.nextAttemptAt = DateTime.fromJSDate(result.nextAttemptAt)
    return { id: message.id, outcome: 'retry', next_attempt_at: result.nextAttemptAt.toISOString() }
  })
  // Only a message still queued is written: its provider id is unknown until now, so no status can have moved it.
  await db.rawQuery(
    `update messages m
        set attempts = m.attempts + 1,
            next_attempt_at = v.next_attempt_at,
            provider_message_id = coalesce(v.provider_message_id, m.provider_message_id),
            status = case v.outcome when 'sent' then 'sent' when 'failed' then 'failed' else m.status end,
            sent_at = case when v.outcome = 'sent' then v.at else m.sent_at end,
            failed_at = case when v.outcome = 'failed' then v.at else m.failed_at end,
            error_code = case when v.outcome = 'failed' then v.error_code else m.error_code end,
            error_reason = case when v.outcome = 'failed' then v.error_reason else m.error_reason end,
            updated_at = ?
       from jsonb_to_recordset(?::jsonb) as v(id bigint, outcome text, provider_message_id text, at timestamptz, next_attempt_at timestamptz,
                                              error_code text, error_reason text)
      where m.id = v.id and m.status = 'queued'`,
    [DateTime.now().toISO()!, JSON.stringify(rows)]
  )
  const orphans = results
    .filter((result) => result.outcome === 'sent')
    .map(({ message }) => ({ workspaceId: message.workspaceId, channelId: message.channelId, providerMessageId: message.providerMessageId! }))
  return [...moved, ...(await adoptOrphans(orphans))]
}
