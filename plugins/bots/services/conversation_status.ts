import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'

/**
 * While a bot answers a conversation it is `pending`: out of the inbox's open queue and its
 * auto-assignment (messaging leaves a pending conversation pending when the customer writes);
 * when the bot stops (handed off, paused by a person, ended, expired) it is `open` again, for
 * people. Only from the status expected, so a person's change stands. Through messaging's
 * `conversation.setStatus`, which the inbox answers (writes, announces, shows live); where
 * nobody answers, the kernel's column is written here.
 */
export async function markBotHandled(workspaceId: number, conversationId: number, handled: boolean) {
  const [from, to] = handled ? (['open', 'pending'] as const) : (['pending', 'open'] as const)
  if (await hooks.ask('conversation.setStatus', { workspaceId, conversationId, from, to, actorId: null })) return
  await db.from('conversations').where('workspace_id', workspaceId).where('id', conversationId).where('status', from).update({ status: to, updated_at: DateTime.now().toSQL() })
}
