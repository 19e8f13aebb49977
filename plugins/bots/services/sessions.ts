/**
 * The bot's side of the conversation: taking an inbound message (`message.claim`), stepping
 * aside when a human replies or takes the conversation, and idle sessions expiring.
 */
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { InboundClaim } from '#messaging/hooks'
import Conversation from '#messaging/models/conversation'
import FlowVersion from '#bots/models/flow_version'
import { answerInConversation, botSettings, startSession } from '#bots/services/runtime'
import { flowFor } from '#bots/services/triggers'
import { countNodes } from '#bots/services/stats'
import { markBotHandled } from '#bots/services/conversation_status'

/**
 * Does the bot handle this message? A live session answers for its conversation: an active one
 * takes the message as its answer; a paused or handed-off one leaves it to the humans. Without
 * one, a trigger may start a flow, but never in a conversation a human is assigned to.
 */
export async function claimInbound(claim: InboundClaim): Promise<{ plugin: string } | undefined> {
  const { session: live, found } = await answerInConversation(claim.workspaceId, claim.conversationId, { kind: 'answer', type: claim.type, content: claim.content })
  if (found === 'active') return { plugin: 'bots' }
  if (found === 'held') return undefined
  // Past its idle time (the sweeper had not come by yet): it ends, and triggers may start anew.
  if (live) await expireSessions(live.id)

  const conversation = await Conversation.query().where('workspace_id', claim.workspaceId).where('id', claim.conversationId).first()
  if (!conversation || conversation.assigneeId !== null) return undefined
  const flow = await flowFor(claim)
  if (!flow) return undefined
  const version = await FlowVersion.published(flow)
  if (!version) return undefined
  const started = await startSession({ flow, version, conversation, trigger: flow.trigger.type })
  return started === null ? undefined : { plugin: 'bots' }
}

/** A human replied, or the conversation was given to one: the active bot there stops and waits. */
export async function pauseInConversation(workspaceId: number, conversationId: number) {
  const { idleMinutes } = await botSettings(workspaceId)
  const paused: { flow_id: number; node_id: string | null }[] = await db
    .from('bot_sessions')
    .where('workspace_id', workspaceId)
    .where('conversation_id', conversationId)
    .where('status', 'active')
    .update({ status: 'paused', waiting: null, wake_at: null, expires_at: DateTime.now().plus({ minutes: idleMinutes }).toSQL(), updated_at: DateTime.now().toSQL() }, [
      'flow_id',
      'node_id',
    ])
  await countDrops(paused.map((row) => ({ ...row, workspace_id: workspaceId })))
  if (paused.length) await markBotHandled(workspaceId, conversationId, false)
}

/**
 * Ends live sessions past their idle time (all of them, or the one given). Active ones count
 * as a drop-off at the node they waited on. One statement for the sweep.
 */
export async function expireSessions(sessionId?: number) {
  const now = DateTime.now().toSQL()
  const { rows } = await db.rawQuery(
    `update bot_sessions s set status = 'expired', ended_at = ?, waiting = null, updated_at = ?
       from (select id, status from bot_sessions
              where status in ('active', 'paused', 'handed_off') and expires_at <= ? ${sessionId ? 'and id = ?' : ''}
              for update skip locked) old
      where s.id = old.id
      returning s.workspace_id, s.flow_id, s.node_id, s.conversation_id, old.status as previous`,
    [now, now, now, ...(sessionId ? [sessionId] : [])]
  )
  const active = rows.filter((row: { previous: string }) => row.previous === 'active')
  await countDrops(active)
  // Test sessions have no conversation.
  for (const row of active) if (row.conversation_id) await markBotHandled(row.workspace_id, Number(row.conversation_id), false)
  return rows.length
}

/** Stopped sessions count as a drop-off at the node they were on. */
function countDrops(sessions: { workspace_id: number; flow_id: number; node_id: string | null }[]) {
  const nodes = sessions.filter((row) => row.node_id !== null).map((row) => ({ workspaceId: row.workspace_id, flowId: row.flow_id, nodeId: row.node_id! }))
  return countNodes(db.connection(), 'dropped', nodes)
}
