import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { defineJob } from '#jobs/registry'
import { queueWebhookEvent } from '#messaging/jobs/process_webhook_event'

// Older than this and still unprocessed: its job was lost (Redis flushed, worker killed).
const GRACE_SECONDS = 30
const BATCH = 500
// Statuses of messages we never sent (another tool on the same number) are not kept forever.
const PENDING_STATUS_DAYS = 7

/**
 * Every minute: queues again the stored webhook events that no job finished, so an
 * acknowledged event is never lost. Processing is idempotent (processed_at, unique ids), and a
 * job still waiting, running or kept as failed has the same id, so it is not queued twice.
 */
export const sweepWebhookEvents = defineJob({
  name: 'messaging.sweep_webhook_events',
  repeat: { every: 60_000 },
  attempts: 1,
  async handle() {
    const stale = await db
      .from('webhook_events')
      .select('id', 'workspace_id')
      .whereNull('processed_at')
      .where('received_at', '<', DateTime.now().minus({ seconds: GRACE_SECONDS }).toSQL()!)
      .orderBy('id')
      .limit(BATCH)
    for (const event of stale) {
      await queueWebhookEvent(event.workspace_id, Number(event.id))
    }
    await db.from('pending_statuses').where('created_at', '<', DateTime.now().minus({ days: PENDING_STATUS_DAYS }).toSQL()!).delete()
  },
})
