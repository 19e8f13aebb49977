import redis from '@adonisjs/redis/services/main'
import type Conversation from '#messaging/models/conversation'
import { markConversationRead } from '#messaging/actions/mark_conversation_read'

/** WhatsApp shows "typing…" for 25 s or until the reply: once per 15 s per conversation keeps it up without flooding. */
export const TYPING_EVERY_SECONDS = 15

export const typingKey = (conversation: Conversation) => `inbox:typing:${conversation.workspaceId}:${conversation.id}`

/**
 * The agent is typing: the customer sees "typing…" (messaging's mark-read with typing, which
 * also reads the conversation). At most once per TYPING_EVERY_SECONDS per conversation, whoever
 * types and on whichever web process (the throttle is a Redis key). Returns whether it went.
 */
export async function sendTypingIndicator(conversation: Conversation) {
  const first = await redis.set(typingKey(conversation), '1', 'EX', TYPING_EVERY_SECONDS, 'NX')
  if (first !== 'OK') return false
  await markConversationRead(conversation, { typing: true })
  return true
}
