import { jobs } from '#jobs/registry'
import type Conversation from '#messaging/models/conversation'
import { markRead } from '#messaging/jobs/mark_read'

/**
 * An agent has read the conversation: its unread count goes to 0 and the customer's latest
 * message gets blue ticks (or "typing…" with `typing`), sent by the `messaging.mark_read` job.
 */
export async function markConversationRead(conversation: Conversation, { typing = false } = {}) {
  await conversation.merge({ unreadCount: 0 }).save()
  await jobs.dispatch(markRead, { workspaceId: conversation.workspaceId, conversationId: conversation.id, typing })
}
