import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import { jobs } from '#jobs/registry'
import type Conversation from '#messaging/models/conversation'
import Contact from '#messaging/models/contact'
import Message from '#messaging/models/message'
import Media from '#messaging/models/media'
import MessageTemplate from '#messaging/models/message_template'
import type { MessageAuthor } from '#messaging/hooks'
import { FAILURE_REASONS } from '#messaging/services/channel_provider'
import { Refusal } from '#messaging/services/refusal'
import type { SendMessageInput } from '#messaging/validators/message'
import { sendQueuedMessage } from '#messaging/jobs/send_queued_message'

export interface SendMessageOptions {
  conversation: Conversation
  input: SendMessageInput
  author: { type: MessageAuthor; id: string | number | null }
}

/**
 * The conversation moves up the inbox; written at most once a second, since a burst of sends
 * (a bot, a campaign) would otherwise queue on the conversation's row lock.
 */
async function touchConversation(conversation: Conversation) {
  const now = DateTime.now()
  if (conversation.lastActivityAt > now.minus({ seconds: 1 })) return
  conversation.lastActivityAt = now
  await db
    .from('conversations')
    .where('id', conversation.id)
    .where('last_activity_at', '<', now.minus({ seconds: 1 }).toSQL()!)
    .update({ last_activity_at: now.toSQL(), updated_at: now.toSQL() })
}

/** The message of this conversation that `id` names, or a 422 naming the field. */
async function messageOf(conversation: Conversation, id: number, field: string) {
  const message = await Message.query().where('workspace_id', conversation.workspaceId).where('conversation_id', conversation.id).where('id', id).first()
  if (!message) throw new Refusal(`${field}: no such message in this conversation`, field)
  return message
}

/** Checks what the content points at (our media, the reacted-to message, the synced template). */
async function checkReferences(conversation: Conversation, input: SendMessageInput) {
  const content = (input as Record<string, any>)[input.type] as Record<string, any>
  if (content?.mediaId !== undefined) {
    const media = await Media.query().where('workspace_id', conversation.workspaceId).where('id', content.mediaId).first()
    if (!media) throw new Refusal(`${input.type}.mediaId: no such media in this workspace`, `${input.type}.mediaId`)
  }
  if (input.type === 'reaction') {
    const target = await messageOf(conversation, content.messageId, 'reaction.messageId')
    if (!target.providerMessageId) throw new Refusal('reaction.messageId: that message has not reached WhatsApp yet', 'reaction.messageId')
  }
  if (input.type === 'template') {
    const template = await MessageTemplate.named({ workspaceId: conversation.workspaceId, id: conversation.channelId }, content.name, content.language.code)
    if (!template) throw new Refusal(`template.name: no approved template "${content.name}" (${content.language.code}) on this channel; sync the templates`, 'template.name')
    if (template.status.toUpperCase() !== 'APPROVED') throw new Refusal(`template.name: the template is ${template.status.toLowerCase()}`, 'template.name')
    for (const type of ['HEADER', 'BODY'] as const) {
      const expected = template.parameterCount(type)
      const given = (content.components ?? []).find((c: any) => c.type === type.toLowerCase())?.parameters?.length ?? 0
      if (expected !== given) {
        throw new Refusal(`template.components: the ${type.toLowerCase()} takes ${expected} parameter(s), ${given} given`, 'template.components')
      }
    }
  }
  if (input.replyToId) await messageOf(conversation, input.replyToId, 'replyToId')
}

/**
 * Queues an outbound message in a conversation: checks the 24-hour window and what the content
 * refers to, lets `message.beforeSend` filters change or cancel it, writes the row (queued), and
 * hands it to the per-channel send job. Refusals (`Refusal`, 422) write nothing.
 */
export async function sendMessage({ conversation, input, author }: SendMessageOptions) {
  const contact = await Contact.query().where('workspace_id', conversation.workspaceId).where('id', conversation.contactId).firstOrFail()
  if (contact.blocked) throw new Refusal('This contact is blocked: unblock them to send messages')
  const windowOpen = !!conversation.windowExpiresAt && conversation.windowExpiresAt > DateTime.now()
  if (input.type !== 'template' && !windowOpen) throw new Refusal(FAILURE_REASONS.window_closed.text)
  await checkReferences(conversation, input)

  const filtered = await hooks.filter(
    'message.beforeSend',
    { type: input.type, content: (input as Record<string, any>)[input.type] },
    { workspaceId: conversation.workspaceId, conversationId: conversation.id, channelId: conversation.channelId, contactId: conversation.contactId, authorType: author.type }
  )
  if (filtered.cancelled) throw new Refusal(filtered.reason)

  const message = await Message.create({
    workspaceId: conversation.workspaceId,
    conversationId: conversation.id,
    channelId: conversation.channelId,
    direction: 'outbound',
    type: filtered.value.type,
    content: filtered.value.content,
    status: 'queued',
    replyToId: input.replyToId ?? null,
    authorType: author.type,
    authorId: author.id === null ? null : String(author.id),
  })
  await touchConversation(conversation)
  // One job per message in flight; the job itself sends only a message still queued.
  await jobs.dispatch(sendQueuedMessage, { workspaceId: message.workspaceId, messageId: message.id }, { jobId: `send-${message.id}`, removeOnComplete: true })
  return message
}
