import { DateTime } from 'luxon'
import { hooks } from '#hooks/bus'
import type Conversation from '#messaging/models/conversation'
import type { ConversationStatus } from '#messaging/models/conversation'
import { Refusal } from '#messaging/services/refusal'

export interface ChangeStatusOptions {
  conversation: Conversation
  status: ConversationStatus
  /** For `snoozed`: a local date and time ("2025-01-31T09:00") in `timezone`. */
  snoozedUntil?: string
  /** For `snoozed`: the workspace's time zone. */
  timezone?: string
  /** Null: the platform (a bot, through `conversation.setStatus`). */
  actorId: number | null
}

/**
 * Moves a conversation to open, pending, snoozed (until a time in the future: then it opens
 * again, see jobs/wake_snoozed.ts) or resolved, announcing a new status on
 * `conversation.statusChanged` and a resolution on `conversation.resolved` too. A new inbound message reopens snoozed and resolved conversations
 * (messaging does that).
 */
export async function changeConversationStatus({ conversation, status, snoozedUntil, timezone, actorId }: ChangeStatusOptions) {
  let until: DateTime | null = null
  if (status === 'snoozed') {
    until = DateTime.fromISO(snoozedUntil ?? '', { zone: timezone ?? 'UTC' })
    if (!until.isValid || until <= DateTime.now()) throw new Refusal('Choose a time in the future', 'snoozedUntil')
  }
  const previousStatus = conversation.status
  await conversation.merge({ status, snoozedUntil: until }).save()
  const ids = { workspaceId: conversation.workspaceId, conversationId: conversation.id, actorId }
  if (status !== previousStatus || status === 'snoozed') await hooks.emit('conversation.statusChanged', { ...ids, status, previousStatus })
  if (status === 'resolved' && previousStatus !== 'resolved') await hooks.emit('conversation.resolved', ids)
  return conversation
}
