import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { hooks } from '#hooks/bus'
import type Conversation from '#messaging/models/conversation'
import { Refusal } from '#messaging/services/refusal'
import { isAssignable } from '#inbox/services/members'
import Team from '#inbox/models/team'
import { setConversationTeam, teamOfConversation } from '#inbox/services/teams'

export interface AssignConversationOptions {
  conversation: Conversation
  /** A member's user id, null to unassign; absent: the agent stays as is. */
  assigneeId?: number | null
  /** A team of the workspace, null for none; absent: the team stays as is. */
  teamId?: number | null
  /** Who did it (null: auto-assignment). They may always take a conversation themselves (agency staff are not members). */
  actorId: number | null
  /** The transaction `conversation` was loaded in (auto-assignment): written in it, announced once it commits. */
  trx?: TransactionClientContract
}

/**
 * Gives the conversation to a member who may reply (or to nobody) and/or to a team, and
 * announces it on `conversation.assigned`. Assigning it to whom it already has changes nothing
 * and says nothing.
 */
export async function assignConversation({ conversation, assigneeId, teamId, actorId, trx }: AssignConversationOptions) {
  const { workspaceId } = conversation
  const previousAssigneeId = conversation.assigneeId
  const previousTeamId = (await teamOfConversation(workspaceId, conversation.id, trx))?.id ?? null
  const nextAssigneeId = assigneeId === undefined ? previousAssigneeId : assigneeId
  const nextTeamId = teamId === undefined ? previousTeamId : teamId
  if (nextAssigneeId === previousAssigneeId && nextTeamId === previousTeamId) return conversation

  if (nextAssigneeId !== previousAssigneeId && nextAssigneeId !== null && nextAssigneeId !== actorId && !(await isAssignable(workspaceId, nextAssigneeId))) {
    throw new Refusal('Not a member of this workspace who can reply', 'assigneeId')
  }
  if (nextTeamId !== previousTeamId && nextTeamId !== null) {
    const team = await Team.query({ client: trx }).where('workspace_id', workspaceId).where('id', nextTeamId).first()
    if (!team) throw new Refusal('Not a team of this workspace', 'teamId')
  }

  await conversation.merge({ assigneeId: nextAssigneeId }).save()
  if (nextTeamId !== previousTeamId) await setConversationTeam(workspaceId, conversation.id, nextTeamId, trx)
  const announce = () =>
    hooks.emit('conversation.assigned', {
      workspaceId,
      conversationId: conversation.id,
      assigneeId: nextAssigneeId,
      previousAssigneeId,
      teamId: nextTeamId,
      previousTeamId,
      actorId,
    })
  if (trx) trx.after('commit', announce)
  else await announce()
  return conversation
}
