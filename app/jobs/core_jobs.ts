import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { defineJob } from '#jobs/registry'
import { notify } from '#notifications/notify'

/** Hourly: forget revoked sessions and spent e-mail tokens after 30 days. */
export const pruneAuthRecords = defineJob({
  name: 'core.prune_auth_records',
  repeat: { every: 60 * 60 * 1000 },
  async handle() {
    const cutoff = DateTime.now().minus({ days: 30 }).toSQL()!
    await db.from('user_sessions').whereNotNull('revoked_at').where('revoked_at', '<', cutoff).delete()
    await db.from('user_tokens').where('expires_at', '<', cutoff).delete()
  },
})

/** Delivers an in-app notification from the worker (stored, then pushed over SSE through Redis). */
export const deliverNotification = defineJob<{
  userId: number
  workspaceId: number | null
  title: string
  body?: string
  url?: string
}>({
  name: 'core.deliver_notification',
  async handle(payload) {
    await notify(payload)
  },
})
