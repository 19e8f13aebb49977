import type Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import { sendMessage } from '#messaging/actions/send_message'
import { sendMessageValidator } from '#messaging/validators/message'

export interface ReactOptions {
  conversation: Conversation
  messageId: number
  emoji: string
  authorId: number
}

/**
 * Reacts to a message of the conversation through messaging's `sendMessage` (a WhatsApp
 * reaction: in the 24-hour window, to a message WhatsApp knows, else messaging's 422). The same
 * emoji as our latest reaction on it takes the reaction back (WhatsApp's empty emoji). Returns
 * the reaction message; a message of another conversation is a 404.
 */
export async function reactToMessage({ conversation, messageId, emoji, authorId }: ReactOptions) {
  const ofConversation = () => Message.query().where('workspace_id', conversation.workspaceId).where('conversation_id', conversation.id)
  const target = await ofConversation().where('id', messageId).whereNot('type', 'reaction').firstOrFail()
  const ours = await ofConversation()
    .where('type', 'reaction')
    .where('direction', 'outbound')
    .whereRaw(`content->>'messageId' = ?`, [String(target.id)])
    .orderBy('id', 'desc')
    .first()
  const input = await sendMessageValidator.validate({ type: 'reaction', reaction: { messageId: target.id, emoji: ours?.content.emoji === emoji ? '' : emoji } })
  return sendMessage({ conversation, input, author: { type: 'agent', id: authorId } })
}
