import db from '@adonisjs/lucid/services/db'
import { defineJob, jobs } from '#jobs/registry'
import { hooks } from '#hooks/bus'
import { autoAssignConversation, autoAssignWaiting } from '#inbox/actions/auto_assign_conversation'

/**
 * Auto-assignment of waiting conversations: for one workspace when an agent comes online or
 * frees capacity (dispatched, at most one waiting per workspace), and every minute for every
 * workspace where it is on (what no event caught: an agent's capacity freed by another plugin,
 * a lost dispatch).
 */
export const autoAssign = defineJob<{ workspaceId?: number }>({
  name: 'inbox.auto_assign',
  repeat: { every: 60_000 },
  attempts: 1,
  async handle({ workspaceId }) {
    if (workspaceId) return void (await autoAssignWaiting(workspaceId))
    const rows = await db
      .from('plugin_installations')
      .where('plugin', 'inbox')
      .where('enabled', true)
      .whereRaw(`(settings->'autoAssign'->>'enabled')::boolean`)
      .select('workspace_id')
    for (const row of rows) await autoAssignWaiting(row.workspace_id)
  },
})

/** Offers the workspace's waiting conversations to auto-assignment soon (a job; one waits per workspace). */
export function autoAssignSoon(workspaceId: number) {
  return jobs.dispatch(autoAssign, { workspaceId }, { jobId: `inbox-auto-assign-${workspaceId}`, removeOnComplete: true, removeOnFail: true })
}

/**
 * When auto-assignment runs: an unassigned, open conversation gets a customer's message (at once,
 * in the tap: after `message.claim`, so a bot that takes a new customer's first message gets the
 * conversation before a person does), or a bot hands it back (pending → open); an agent frees
 * capacity (a resolution, a snooze, an agent's unassignment: soon, in a job). Not when a business
 * message opens a conversation: a campaign to thousands would hand every one to an agent.
 */
export function tapAutoAssignment(plugin: string) {
  const now = ({ workspaceId, conversationId }: { workspaceId: number; conversationId: number }) => autoAssignConversation(workspaceId, conversationId).then(() => {})
  hooks.tap('message.received', { plugin }, now)
  hooks.tap('conversation.statusChanged', { plugin }, async (change) => {
    if (change.status === 'open' && change.previousStatus === 'pending') await now(change)
    if (change.status === 'resolved' || change.status === 'snoozed') await autoAssignSoon(change.workspaceId)
  })
  hooks.tap('conversation.assigned', { plugin }, async ({ workspaceId, previousAssigneeId, actorId }) => {
    if (previousAssigneeId !== null && actorId !== null) await autoAssignSoon(workspaceId)
  })
}
