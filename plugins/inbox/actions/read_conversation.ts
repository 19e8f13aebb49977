import db from '@adonisjs/lucid/services/db'
import type Conversation from '#messaging/models/conversation'
import { markConversationRead } from '#messaging/actions/mark_conversation_read'
import { announce } from '#inbox/services/live'

/**
 * An agent reads the conversation (opening it, or with it open and shown as a customer's message
 * arrives): unread goes to 0, the customer gets blue ticks, and every open inbox updates the
 * row's badge. Only when something is unread, and only once when several agents read at the same
 * moment: the update that takes unread from N to 0 is the one that sends the receipt.
 */
export async function readConversation(conversation: Conversation) {
  const { rows } = await db.rawQuery('update conversations set unread_count = 0, updated_at = now() where workspace_id = ? and id = ? and unread_count > 0 returning id', [
    conversation.workspaceId,
    conversation.id,
  ])
  if (!rows.length) return false
  // Already 0 in the table: messaging's action writes nothing more and queues the receipt.
  conversation.$original.unreadCount = 0
  conversation.unreadCount = 0
  await markConversationRead(conversation)
  announce(conversation.workspaceId, { conversationId: conversation.id })
  return true
}
