import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { defineJob, jobs } from '#jobs/registry'
import { processWebhookEvent } from '#messaging/jobs/process_webhook_event'

// Older than this and still unprocessed: its job was lost (Redis flushed, worker killed).
const GRACE_SECONDS = 30
const BATCH = 500

/**
 * Every minute: queues again the stored webhook events that no job finished, so an
 * acknowledged event is never lost. Processing is idempotent (processed_at, unique ids).
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
      .whereNot('provider', 'whatsapp-gupshup')
      .where('received_at', '<', DateTime.now().minus({ seconds: GRACE_SECONDS }).toSQL()!)
      .orderBy('id')
      .limit(BATCH)
    for (const event of stale) {
      await jobs.dispatch(processWebhookEvent, { workspaceId: event.workspace_id, eventId: Number(event.id) })
    }
  },
})
