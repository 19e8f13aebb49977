import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { defineJob } from '#jobs/registry'

/**
 * Every minute: snoozed conversations whose time has come are open again (a new inbound
 * message reopens them sooner; messaging does that). One statement across workspaces, like
 * messaging's sweeper: only snoozed rows match, a handful at any time.
 */
export const wakeSnoozed = defineJob({
  name: 'inbox.wake_snoozed',
  repeat: { every: 60_000 },
  attempts: 1,
  async handle() {
    const now = DateTime.now().toSQL()
    await db.from('conversations').where('status', 'snoozed').where('snoozed_until', '<=', now).update({ status: 'open', snoozed_until: null, updated_at: now })
  },
})
