import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { defineJob } from '#jobs/registry'
import { hooks } from '#hooks/bus'

/**
 * Every minute: snoozed conversations whose time has come are open again (a new inbound
 * message reopens them sooner; messaging does that). One statement across workspaces, like
 * messaging's sweeper: only snoozed rows match, a handful at any time. Each is announced
 * (`conversation.statusChanged`), so open inboxes show it.
 */
export const wakeSnoozed = defineJob({
  name: 'inbox.wake_snoozed',
  repeat: { every: 60_000 },
  attempts: 1,
  async handle() {
    const now = DateTime.now().toSQL()
    const woken: { id: number; workspace_id: number }[] = await db
      .from('conversations')
      .where('status', 'snoozed')
      .where('snoozed_until', '<=', now)
      .update({ status: 'open', snoozed_until: null, updated_at: now }, ['id', 'workspace_id'])
    for (const row of woken) {
      await hooks.emit('conversation.statusChanged', { workspaceId: row.workspace_id, conversationId: row.id, status: 'open', previousStatus: 'snoozed', actorId: null })
    }
  },
})
