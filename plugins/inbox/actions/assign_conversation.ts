import { hooks } from '#hooks/bus'
import type Conversation from '#messaging/models/conversation'
import { Refusal } from '#messaging/services/refusal'
import { isAssignable } from '#inbox/services/members'

export interface AssignConversationOptions {
  conversation: Conversation
  /** A member's user id, or null to unassign. */
  assigneeId: number | null
  /** Who did it. They may always take a conversation themselves (agency staff are not members). */
  actorId: number
}

/**
 * Gives the conversation to a member who may reply (or to nobody), and announces it on
 * `conversation.assigned`. Assigning it to whom it already has changes nothing and says nothing.
 */
export async function assignConversation({ conversation, assigneeId, actorId }: AssignConversationOptions) {
  const previousAssigneeId = conversation.assigneeId
  if (assigneeId === previousAssigneeId) return conversation
  if (assigneeId !== null && assigneeId !== actorId && !(await isAssignable(conversation.workspaceId, assigneeId))) {
    throw new Refusal('Not a member of this workspace who can reply', 'assigneeId')
  }
  await conversation.merge({ assigneeId }).save()
  await hooks.emit('conversation.assigned', { workspaceId: conversation.workspaceId, conversationId: conversation.id, assigneeId, previousAssigneeId, actorId })
  return conversation
}
