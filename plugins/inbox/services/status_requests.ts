import { hooks } from '#hooks/bus'
import Conversation from '#messaging/models/conversation'
import { changeConversationStatus } from '#inbox/actions/change_conversation_status'

/**
 * `conversation.setStatus` (messaging's bail hook): a bot marks the conversation it handles
 * pending and opens it again when it stops. Only from the status the caller expects, so a
 * person's change made meanwhile stands; answers the status the conversation has now.
 */
export function tapStatusRequests(plugin: string) {
  hooks.tap('conversation.setStatus', { plugin }, async ({ workspaceId, conversationId, from, to, actorId }) => {
    const conversation = await Conversation.findInWorkspace(workspaceId, conversationId)
    if (conversation.status !== from) return { status: conversation.status }
    await changeConversationStatus({ conversation, status: to, actorId })
    return { status: to }
  })
}
