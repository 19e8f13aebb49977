import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { defineJob } from '#jobs/registry'
import { MAX_ATTEMPTS, queueWebhookEvents } from '#messaging/jobs/process_webhook_events'
import { dispatchSender } from '#messaging/jobs/send_channel'

// Older than this and still unprocessed: its job was lost (Redis flushed, worker killed).
const GRACE_SECONDS = 30
const LIMIT = 500
const PER_JOB = 100
// Due this long ago and still queued: no sender is on it (Redis flushed, a worker killed mid-send).
const SEND_GRACE_SECONDS = 30
// Statuses of messages we never sent (another tool on the same number) are not kept forever.
const PENDING_STATUS_DAYS = 7

/**
 * Every minute: queues again the stored webhook events that no job finished, so an
 * acknowledged event is never lost. Processing is idempotent (processed_at, unique ids, rows
 * locked while processed), so an event whose job is merely slow is at worst looked at twice.
 * An event that failed MAX_ATTEMPTS times alone is left to an operator (its job is in the
 * failed list; last_error on its row says why).
 * It also wakes the sender of every channel with a queued message nobody is sending (a wake-up
 * lost with Redis, a sender killed mid-batch whose leases ran out): a sender woken twice is
 * harmless, its claims skip what another holds.
 */
export const sweepWebhookEvents = defineJob({
  name: 'messaging.sweep_webhook_events',
  repeat: { every: 60_000 },
  attempts: 1,
  async handle() {
    const stale = await db
      .from('webhook_events')
      .select('id')
      .whereNull('processed_at')
      .where('attempts', '<', MAX_ATTEMPTS)
      .where('received_at', '<', DateTime.now().minus({ seconds: GRACE_SECONDS }).toSQL()!)
      .orderBy('id')
      .limit(LIMIT)
    const ids = stale.map((event) => Number(event.id))
    for (let at = 0; at < ids.length; at += PER_JOB) await queueWebhookEvents(ids.slice(at, at + PER_JOB))
    const stranded = await db
      .from('messages')
      .distinct('workspace_id', 'channel_id')
      .where('status', 'queued')
      .whereRaw('next_attempt_at < now() - make_interval(secs => ?)', [SEND_GRACE_SECONDS])
    for (const { workspace_id: workspaceId, channel_id: channelId } of stranded) await dispatchSender(Number(workspaceId), Number(channelId))
    await db.from('pending_statuses').where('created_at', '<', DateTime.now().minus({ days: PENDING_STATUS_DAYS }).toSQL()!).delete()
  },
})
