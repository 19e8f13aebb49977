import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { defineJob, jobs } from '#jobs/registry'
import { hooks } from '#hooks/bus'
import Channel from '#messaging/models/channel'
import type { OptEvent } from '#messaging/services/channel_provider'
import { providers } from '#messaging/services/providers'
import { adoptOrphans, applyStatuses, type Orphan, type StatusOfChannel } from '#messaging/services/statuses'
import { storeInbound, type Announcement, type Inbound } from '#messaging/services/inbound'
import { withoutNul } from '#messaging/services/sanitize'
import { toE164, waIdOf } from '#messaging/services/phone'

/** Gupshup tells when a customer opts in or out (rare: one statement each). */
async function applyOpt(trx: TransactionClientContract, channel: Channel, event: OptEvent) {
  const phone = toE164(event.from)
  if (!phone) return
  const at = DateTime.fromJSDate(event.timestamp).toSQL()!
  const now = DateTime.now().toSQL()!
  await trx.rawQuery(
    `insert into contacts (workspace_id, phone, wa_id, first_seen_at, last_seen_at, opt_in_status, opt_in_source, opt_in_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (workspace_id, phone) do update
       set last_seen_at = greatest(contacts.last_seen_at, excluded.last_seen_at),
           opt_in_status = excluded.opt_in_status, opt_in_source = excluded.opt_in_source, opt_in_at = excluded.opt_in_at,
           updated_at = excluded.updated_at`,
    [channel.workspaceId, phone, waIdOf(phone), at, at, event.optedIn ? 'opted_in' : 'opted_out', channel.provider, at, now, now]
  )
}

/**
 * Turns stored webhooks into contacts, conversations, messages and statuses — in one
 * transaction, a few statements for the whole batch — and marks them processed. Events another
 * job holds, or already processed, are skipped. Every batch locks rows in one order (contacts
 * by phone, their conversations, then messages by id), so concurrent batches cannot deadlock.
 * Returns what to announce once it committed.
 */
async function processTogether(eventIds: number[]) {
  const announce: Announcement[] = []
  let orphans: Orphan[] = []
  await db.transaction(async (trx) => {
    const events = await trx
      .from('webhook_events')
      .whereIn('id', eventIds)
      .whereNull('processed_at')
      .orderBy('id')
      .forUpdate()
      .skipLocked()
    if (!events.length) return
    const channels = await Channel.query({ client: trx }).whereIn('id', [...new Set(events.map((event) => event.channel_id))])
    const channelById = new Map(channels.map((channel) => [channel.id, channel]))
    const inbound: Inbound[] = []
    const opts: { channel: Channel; event: OptEvent }[] = []
    const statuses: StatusOfChannel[] = []
    for (const stored of events) {
      const channel = channelById.get(stored.channel_id)!
      for (const event of withoutNul(providers.get(channel.provider).parseWebhook(JSON.parse(stored.body)))) {
        if (event.kind === 'message') inbound.push({ channel, event })
        else if (event.kind === 'opt') opts.push({ channel, event })
        else statuses.push({ workspaceId: channel.workspaceId, channelId: channel.id, event })
      }
    }

    opts.sort((a, b) => (a.event.from < b.event.from ? -1 : a.event.from > b.event.from ? 1 : 0))
    for (const { channel, event } of opts) await applyOpt(trx, channel, event)
    announce.push(...(await storeInbound(trx, inbound)))
    if (statuses.length) {
      const applied = await applyStatuses(trx, statuses)
      for (const moved of applied.moved) announce.push(() => hooks.emit('message.statusChanged', moved))
      orphans = applied.orphans
    }
    await trx
      .from('webhook_events')
      .whereIn('id', events.map((event) => event.id))
      .update({ processed_at: DateTime.now().toSQL(), attempts: trx.knexRawQuery('attempts + 1'), last_error: null })
  })
  // Statuses parked for a message whose send job stored its id meanwhile (see services/statuses.ts).
  for (const moved of await adoptOrphans(orphans)) announce.push(() => hooks.emit('message.statusChanged', moved))
  return announce
}

/** One event failed alone: counted on its row, so the sweeper gives up on it after MAX_ATTEMPTS. */
function recordFailure(eventId: number, error: unknown) {
  return db
    .from('webhook_events')
    .where('id', eventId)
    // A database error's message is the statement, then the reason: the end is what says why.
    .update({ attempts: db.knexRawQuery('attempts + 1'), last_error: String((error as Error)?.message ?? error).slice(-500) })
}

/** How often an event is tried before it waits for an operator (its job stays in the failed list). */
export const MAX_ATTEMPTS = 8

/**
 * Processes a batch of stored webhooks (those one INSERT stored) in one transaction: one job
 * and one commit for up to a hundred events. When the batch fails, each event is tried alone,
 * so one bad event does not hold back the others; the job then fails for the ones that failed.
 * The hooks fire once their events committed.
 */
export const processWebhookEvents = defineJob<{ eventIds: number[] }>({
  name: 'messaging.process_webhook_events',
  attempts: MAX_ATTEMPTS,
  async handle({ eventIds }) {
    let announce: Announcement[] = []
    const failed: number[] = []
    try {
      announce = await processTogether(eventIds)
    } catch (error) {
      if (eventIds.length === 1) {
        await recordFailure(eventIds[0], error)
        throw error
      }
      for (const eventId of eventIds) {
        try {
          announce.push(...(await processTogether([eventId])))
        } catch (single) {
          failed.push(eventId)
          await recordFailure(eventId, single)
        }
      }
    }
    for (const fire of announce) await fire()
    if (failed.length) throw new Error(`webhook events ${failed.join(', ')} could not be processed`)
  },
})

/** Queues the processing of stored events (a twin in flight is harmless: it finds them done or locked). */
export function queueWebhookEvents(eventIds: number[]) {
  return jobs.dispatch(processWebhookEvents, { eventIds }, { removeOnComplete: true })
}
