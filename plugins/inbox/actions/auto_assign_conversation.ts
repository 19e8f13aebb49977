import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import redis from '@adonisjs/redis/services/main'
import Conversation from '#messaging/models/conversation'
import { assignConversation } from '#inbox/actions/assign_conversation'
import { autoAssignmentOf, type AutoAssignment } from '#inbox/services/auto_assignment'
import { assignableMembers } from '#inbox/services/members'
import { onlineIds } from '#inbox/services/presence'
import { teamMemberIds, teamOfConversation } from '#inbox/services/teams'

/** pg_advisory_xact_lock(class, workspace id): one auto-assignment at a time per workspace. */
const LOCK_CLASS = 5_0001

/** The last agent auto-assignment chose in the workspace: the round-robin goes on after them. */
const cursorKey = (workspaceId: number) => `inbox:auto-assign:last:${workspaceId}`

/** Of `pool`, the agents holding fewer than `capacity` open and pending conversations. */
async function underCapacity(trx: TransactionClientContract, workspaceId: number, pool: number[], capacity: number) {
  const rows = await trx
    .from('conversations')
    .where('workspace_id', workspaceId)
    .whereIn('assignee_id', pool)
    .whereIn('status', ['open', 'pending'])
    .groupBy('assignee_id')
    .select('assignee_id')
    .count('* as load')
  const load = new Map(rows.map((row) => [row.assignee_id as number, Number(row.load)]))
  return pool.filter((id) => (load.get(id) ?? 0) < capacity).sort((a, b) => a - b)
}

function waiting(workspaceId: number, conversationId: number) {
  return db.from('conversations').where('workspace_id', workspaceId).where('id', conversationId).whereNull('assignee_id').where('status', 'open').select('id').first()
}

/**
 * Gives an open, unassigned conversation to the next online agent under capacity, in
 * round-robin order (by user id, after the last one chosen): among the conversation's team if
 * it has one, else the setting's team, else every member who may reply. Nobody free: it stays
 * unassigned (jobs/auto_assign.ts tries again). Returns the agent's id, or null.
 *
 * Safe under concurrency: the choice and the write happen under a per-workspace advisory lock,
 * so two conversations arriving together count each other's assignment and never push an
 * agent past capacity. Through `assignConversation` (actor null), so the hook and live
 * updates fire, once the transaction commits.
 */
export async function autoAssignConversation(workspaceId: number, conversationId: number, known?: AutoAssignment) {
  const settings = known ?? (await autoAssignmentOf(workspaceId))
  if (!settings.enabled) return null
  // Most customer messages land in conversations someone already holds: one indexed read says so
  // before presence and members are read (the locked read below stays the one that decides).
  if (!(await waiting(workspaceId, conversationId))) return null
  const online = new Set(await onlineIds(workspaceId))
  if (!online.size) return null
  const assignable = (await assignableMembers(workspaceId)).map((member) => member.id).filter((id) => online.has(id))

  return db.transaction(async (trx) => {
    await trx.rawQuery('select pg_advisory_xact_lock(?, ?)', [LOCK_CLASS, workspaceId])
    const conversation = await Conversation.query({ client: trx }).where('workspace_id', workspaceId).where('id', conversationId).forUpdate().first()
    if (!conversation || conversation.assigneeId !== null || conversation.status !== 'open') return null

    const team = await teamOfConversation(workspaceId, conversationId, trx)
    const teamId = team?.id ?? settings.teamId
    let pool = assignable
    if (teamId) {
      const members = new Set(await teamMemberIds(workspaceId, teamId, trx))
      pool = pool.filter((id) => members.has(id))
    }
    if (!pool.length) return null
    const free = await underCapacity(trx, workspaceId, pool, settings.capacity)
    if (!free.length) return null

    const last = Number(await redis.get(cursorKey(workspaceId))) || 0
    const next = free.find((id) => id > last) ?? free[0]
    // Moved before the commit releases the lock: whoever waits for it reads the new cursor.
    await redis.set(cursorKey(workspaceId), String(next))
    await assignConversation({ conversation, assigneeId: next, teamId: team ? undefined : settings.teamId, actorId: null, trx })
    return next
  })
}

/**
 * The workspace's waiting conversations (open, unassigned; longest waiting first), each offered
 * to auto-assignment: after an agent comes online or frees capacity, and every minute.
 */
export async function autoAssignWaiting(workspaceId: number, limit = 100) {
  const settings = await autoAssignmentOf(workspaceId)
  if (!settings.enabled) return 0
  const waiting = await db
    .from('conversations')
    .where('workspace_id', workspaceId)
    .where('status', 'open')
    .whereNull('assignee_id')
    .orderBy('last_activity_at')
    .limit(limit)
    .select('id')
  let assigned = 0
  for (const { id } of waiting) if (await autoAssignConversation(workspaceId, id, settings)) assigned++
  return assigned
}
