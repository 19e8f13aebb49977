import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { defineJob, jobs } from '#jobs/registry'
import { lowerWakeFlag, raiseWakeFlag } from '#jobs/wake_flags'
import { hooks } from '#hooks/bus'
import Channel from '#messaging/models/channel'
import type { OptEvent } from '#messaging/services/channel_provider'
import { providers } from '#messaging/services/providers'
import { adoptOrphans, applyStatuses, type Moved, type Orphan, type StatusOfChannel } from '#messaging/services/statuses'
import { announceAll, storeInbound, type Alongside, type Announcement, type Inbound } from '#messaging/services/inbound'
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
 * Marks the events processed (each a try more), with the batch's messages when it has some (see
 * `storeInbound`); the transaction commits it with what they led to.
 */
const markProcessed = (eventIds: number[]): Alongside => ({
  sql: 'update webhook_events set processed_at = ?, attempts = attempts + 1, last_error = null where id = any(?::bigint[])',
  bindings: [DateTime.now().toSQL()!, eventIds],
})

/** Status events by stored event id: what a batch leaves to `processStatuses`. */
type DeferredStatuses = Map<number, StatusOfChannel[]>

const announceMoves = (moved: Moved[]): Announcement[] =>
  moved.map((move) => ({ conversationId: move.conversationId, fire: () => hooks.emit('message.statusChanged', move) }))

/**
 * Turns stored webhooks into contacts, conversations, messages and statuses — in one
 * transaction, a few statements for the whole batch — and marks them processed. Events another
 * job holds, or already processed, are skipped. Every batch locks rows in one order (contacts
 * by phone, their conversations, then messages by id), so concurrent batches cannot deadlock.
 * Returns what to announce once it committed.
 *
 * A batch holding inbound messages leaves its status events to a transaction of their own
 * (`processStatuses`, right after): applying them locks outbound messages the sender may hold,
 * and a customer's message would wait for that before its commit, so before its bot. The events
 * carrying statuses (a webhook may carry messages too: those are stored here) stay unprocessed
 * in this commit and are marked with their statuses in the next; killed in between, they are
 * taken again like any unprocessed event (their messages then found stored, skipped), so each
 * is still applied once. A batch without inbound messages applies its statuses here.
 *
 * The commit does not wait for the disk (synchronous_commit off, this transaction only): what it
 * writes can be made again from the stored events, which were flushed before the webhook was
 * answered. Were PostgreSQL itself to crash in the next few hundred milliseconds, the events
 * would be unprocessed again and the sweeper would process them again (their hooks would then
 * be announced a second time). What a batch leads to that reaches WhatsApp (a bot's answer) is
 * queued by a later, flushed commit, which flushes this one with it. Waiting for the disk here
 * was a few milliseconds on every message's way to the inbox and to a bot.
 */
async function processTogether(batch: Batch) {
  const announce: Announcement[] = []
  let orphans: Orphan[] = []
  const deferred: DeferredStatuses = new Map()
  await db.transaction(async (trx) => {
    const query = trx
      .from('webhook_events')
      // `set local synchronous_commit = off` without a statement of its own: set with each row taken (nothing taken, nothing written).
      .select('*', trx.raw(`set_config('synchronous_commit', 'off', true) as synchronous_commit`))
      .whereNull('processed_at')
      .orderBy('id')
      .forUpdate()
      .skipLocked()
    if ('ids' in batch) query.whereIn('id', batch.ids)
    else query.where('attempts', 0).limit(BATCH_SIZE)
    const events = await query
    batch.taken = events.map((event) => Number(event.id))
    if (!events.length) return
    // From the process cache (as the webhook endpoint reads them): a query less per batch.
    const channelIds = [...new Set(events.map((event) => Number(event.channel_id)))]
    const channels = await Promise.all(channelIds.map((id) => Channel.cached(id)))
    const channelById = new Map(channels.filter((channel) => channel !== null).map((channel) => [channel.id, channel]))
    const inbound: Inbound[] = []
    const opts: { channel: Channel; event: OptEvent }[] = []
    const statuses: DeferredStatuses = new Map()
    for (const stored of events) {
      // A channel deleted meanwhile takes its events with it (on delete cascade).
      const channel = channelById.get(Number(stored.channel_id))
      if (!channel) continue
      for (const event of withoutNul(providers.get(channel.provider).parseWebhook(JSON.parse(stored.body)))) {
        if (event.kind === 'message') inbound.push({ channel, event })
        else if (event.kind === 'opt') opts.push({ channel, event })
        else {
          const ofEvent = statuses.get(Number(stored.id)) ?? []
          ofEvent.push({ workspaceId: channel.workspaceId, channelId: channel.id, event })
          statuses.set(Number(stored.id), ofEvent)
        }
      }
    }

    opts.sort((a, b) => (a.event.from < b.event.from ? -1 : a.event.from > b.event.from ? 1 : 0))
    for (const { channel, event } of opts) await applyOpt(trx, channel, event)
    if (statuses.size && inbound.length) {
      for (const [eventId, ofEvent] of statuses) deferred.set(eventId, ofEvent)
    } else if (statuses.size) {
      const applied = await applyStatuses(trx, [...statuses.values()].flat())
      announce.push(...announceMoves(applied.moved))
      orphans = applied.orphans
    }
    const done = batch.taken.filter((eventId) => !deferred.has(eventId))
    announce.push(...(await storeInbound(trx, inbound, done.length ? markProcessed(done) : undefined)))
  })
  // Statuses parked for a message whose send job stored its id meanwhile (see services/statuses.ts).
  announce.push(...announceMoves(await adoptOrphans(orphans)))
  return { announce, deferred }
}

/**
 * The status events a batch left (see `processTogether`), applied and marked processed in one
 * transaction: those still unprocessed and not held by another job (which then applies them) are
 * locked and marked by the first statement, in id order. Returns what to announce.
 */
async function processStatuses(deferred: DeferredStatuses) {
  let orphans: Orphan[] = []
  const moved = await db.transaction(async (trx) => {
    const { rows: taken } = await trx.rawQuery(
      `update webhook_events set processed_at = ?, attempts = attempts + 1, last_error = null
        where id in (select id from webhook_events where id = any(?::bigint[]) and processed_at is null order by id for update skip locked)
        returning id, set_config('synchronous_commit', 'off', true) as synchronous_commit`,
      [DateTime.now().toSQL()!, [...deferred.keys()]]
    )
    const statuses = taken.flatMap((row: { id: string }) => deferred.get(Number(row.id))!)
    if (!statuses.length) return []
    const applied = await applyStatuses(trx, statuses)
    orphans = applied.orphans
    return applied.moved
  })
  return announceMoves([...moved, ...(await adoptOrphans(orphans))])
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
 * Stored events by id (the sweeper's), or the next ones nobody holds and nobody tried (a
 * wake-up's: one that failed is retried by the sweeper, with its attempts counted).
 */
type Batch = ({ ids: number[] } | { next: true }) & { taken?: number[] }

/** Events per transaction. */
const BATCH_SIZE = 100
/** Batches one wake-up takes before it hands the rest to a fresh job (other queues' jobs get a turn). */
const BATCHES_PER_JOB = 20
const WAKE_FLAG = 'webhook-events'

/**
 * Wake-ups taking batches at once in one process. A wake-up that finds them all busy waits for a
 * turn with the flag still raised, so the webhooks stored meanwhile queue no job and are taken
 * together when it gets its turn: under load, batches grow with the backlog (fewer statements and
 * jobs per event) instead of each INSERT's few events making a transaction of their own; idle,
 * a wake-up starts at once. Two: one batch's SQL overlaps the other's JavaScript.
 */
const TAKING_AT_ONCE = 2
let taking = 0
const turns: (() => void)[] = []

/** Runs `take` in a turn (its announcements hold no turn: they run once their transaction committed, or after the turn). */
async function inTurn<T>(take: () => Promise<T>) {
  if (taking < TAKING_AT_ONCE) taking++
  // A turn ending hands itself over: `taking` stays as it is.
  else await new Promise<void>((resolve) => turns.push(resolve))
  try {
    return await take()
  } finally {
    const next = turns.shift()
    if (next) next()
    else taking--
  }
}

type Announce = (announce: Announcement[]) => void

/**
 * Runs what a batch's transactions announce in the order they committed, each list as soon as
 * its transaction committed (a batch's inbound messages go to their bots while its statuses are
 * applied); `done()` settles once all ran.
 */
function announcer() {
  let running = Promise.resolve()
  return {
    add: (announce: Announcement[]) => {
      if (!announce.length) return
      running = running.then(() => announceAll(announce))
      // The job awaits `done()` once its batch is through: a failure until then is not unhandled.
      running.catch(() => {})
    },
    done: () => running,
  }
}

/**
 * Events that failed together, each alone, so one bad event does not hold back the others.
 * Returns those failing alone (counted on their rows); a lone event's failure is counted at once.
 */
async function eachAlone(eventIds: number[], error: unknown, announce: Announce) {
  if (eventIds.length === 1) {
    await recordFailure(eventIds[0], error)
    return eventIds
  }
  const failed: number[] = []
  for (const eventId of eventIds) {
    try {
      const alone = await processTogether({ ids: [eventId] })
      announce(alone.announce)
      if (alone.deferred.size) announce(await processStatuses(alone.deferred))
    } catch (single) {
      failed.push(eventId)
      await recordFailure(eventId, single)
    }
  }
  return failed
}

/**
 * One batch: its transaction, then its statuses' (see `processTogether`), each announced once
 * committed. When one fails, each of its events alone (those failing alone are returned).
 */
async function processBatch(batch: Batch, announce: Announce) {
  let deferred: DeferredStatuses
  try {
    const together = await processTogether(batch)
    announce(together.announce)
    deferred = together.deferred
  } catch (error) {
    const taken = batch.taken ?? []
    // Nothing taken: the database itself failed; the job is retried.
    if (!taken.length) return { taken, failed: [], error }
    return { taken, failed: await eachAlone(taken, error, announce), error: null }
  }
  let failed: number[] = []
  if (deferred.size) {
    try {
      announce(await processStatuses(deferred))
    } catch (error) {
      failed = await eachAlone([...deferred.keys()], error, announce)
    }
  }
  return { taken: batch.taken ?? [], failed, error: null }
}

/**
 * Turns stored webhooks into messages and statuses, a hundred per transaction. A wake-up (no
 * ids: the webhook endpoint raised the flag after its INSERT committed) takes the next events
 * nobody holds until none are left, and wakes a twin when it finds a full batch, so a backlog
 * spreads over the worker's slots; the sweeper names the stale events it queues again (those
 * whose job was lost, those that failed). The hooks fire once their events committed; the job
 * fails, to be retried, for events that failed.
 */
export const processWebhookEvents = defineJob<{ eventIds?: number[] }>({
  name: 'messaging.process_webhook_events',
  attempts: MAX_ATTEMPTS,
  async handle({ eventIds }) {
    const failed: number[] = []
    if (eventIds) {
      const announcements = announcer()
      const done = await processBatch({ ids: eventIds }, announcements.add)
      if (done.error) throw done.error
      failed.push(...done.failed)
      await announcements.done()
    } else {
      for (let round = 0; round < BATCHES_PER_JOB; round++) {
        const announcements = announcer()
        const done = await inTurn(async () => {
          // Lowered once it may take: until then, webhooks stored meanwhile wait for this job.
          if (round === 0) await lowerWakeFlag(WAKE_FLAG)
          return processBatch({ next: true }, announcements.add)
        })
        failed.push(...done.failed)
        if (done.taken.length === BATCH_SIZE) await wakeWebhookProcessing()
        await announcements.done()
        if (done.error) throw done.error
        if (done.taken.length < BATCH_SIZE) break
      }
    }
    if (failed.length) throw new Error(`webhook events ${failed.join(', ')} could not be processed`)
  },
})

/** Queues the processing of the named stored events (a twin in flight is harmless: it finds them done or locked). */
export function queueWebhookEvents(eventIds: number[]) {
  return jobs.dispatch(processWebhookEvents, { eventIds }, { removeOnComplete: true })
}

/** Stored events are waiting: one job takes them, however many requests stored them meanwhile. */
export async function wakeWebhookProcessing() {
  if (await raiseWakeFlag(WAKE_FLAG)) await jobs.dispatch(processWebhookEvents, {}, { removeOnComplete: true })
}
