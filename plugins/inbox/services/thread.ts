import db from '@adonisjs/lucid/services/db'
import type Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import Media from '#messaging/models/media'
import MessageTemplate from '#messaging/models/message_template'
import { mediaIdOf, presentMessage, templateKey, type Display, type MessageView, type Related } from '#inbox/presenters'

/** Messages shown at once; "load older" fetches the next as many. */
export const THREAD_PAGE = 50

/** The message a reaction is on: inbound ones are linked by messaging, outbound ones name it. */
const reactionTargetOf = (message: Message) => message.replyToId ?? (Number((message.content as Record<string, unknown>)?.messageId) || null)

/**
 * Everything `messages` refer to, in one query per kind: the quoted (and reacted-to) messages
 * that are not among them, our media files, the channel's templates by name, the agents who
 * wrote. Reactions whose message is among them become that message's emoji.
 */
async function relatedTo(conversation: Conversation, messages: Message[]) {
  const scope = { workspaceId: conversation.workspaceId, conversationId: conversation.id }
  const byId = new Map(messages.map((message) => [message.id, message]))
  const referenced = messages.map((m) => (m.type === 'reaction' ? reactionTargetOf(m) : m.replyToId)).filter((id): id is number => !!id && !byId.has(id))
  const mediaIds = messages.map((m) => mediaIdOf(m.content)).filter((id): id is number => !!id)
  const templateNames = messages.filter((m) => m.type === 'template').map((m) => String(m.content.name))
  const agentIds = messages.filter((m) => m.authorType === 'agent' && m.authorId).map((m) => Number(m.authorId))

  // One after the other: a page takes one pooled connection at a time (and a test's transaction one client).
  const quoted = referenced.length ? await Message.query().where('workspace_id', scope.workspaceId).where('conversation_id', scope.conversationId).whereIn('id', referenced) : []
  const media = mediaIds.length ? await Media.query().where('workspace_id', scope.workspaceId).whereIn('id', mediaIds) : []
  const templates = templateNames.length ? await MessageTemplate.ofChannel({ workspaceId: scope.workspaceId, id: conversation.channelId }).whereIn('name', templateNames) : []
  const authors = agentIds.length ? await db.from('users').whereIn('id', agentIds).select('id', 'full_name') : []

  // The latest reaction of each side counts; an empty emoji took it back.
  const latest = new Map<string, Message>()
  for (const message of messages) {
    const target = message.type === 'reaction' ? reactionTargetOf(message) : null
    if (target && byId.has(target)) latest.set(`${target}:${message.direction}`, message)
  }
  const reactions = new Map<number, string[]>()
  for (const [key, reaction] of latest) {
    const emoji = (reaction.content as Record<string, unknown>).emoji
    if (typeof emoji !== 'string' || !emoji) continue
    const target = Number(key.split(':')[0])
    reactions.set(target, [...(reactions.get(target) ?? []), emoji])
  }

  const related: Related = {
    quoted: new Map([...byId, ...quoted.map((m) => [m.id, m] as const)]),
    media: new Map(media.map((m) => [m.id, m])),
    templates: new Map(templates.map((t) => [templateKey(t.name, t.language), t])),
    authors: new Map(authors.map((row: { id: number; full_name: string }) => [String(row.id), row.full_name])),
    reactions,
  }
  return related
}

/** Messages as the views render them; reactions to a message among them show on it instead of on their own. */
export async function presentMessages(conversation: Conversation, messages: Message[], display: Display): Promise<MessageView[]> {
  const related = await relatedTo(conversation, messages)
  const shown = new Set(messages.map((message) => message.id))
  return messages
    .filter((message) => message.type !== 'reaction' || !shown.has(reactionTargetOf(message) ?? 0))
    .map((message) => presentMessage(message, related, display))
}

/**
 * The latest messages of a conversation (or those before message `before`), oldest first,
 * and the id to ask older ones before when there are any.
 */
export async function loadThread(conversation: Conversation, display: Display, before?: number) {
  const query = Message.query()
    .where('workspace_id', conversation.workspaceId)
    .where('conversation_id', conversation.id)
    .orderBy('id', 'desc')
    .limit(THREAD_PAGE + 1)
  if (before) query.where('id', '<', before)
  const newestFirst = await query
  const page = newestFirst.slice(0, THREAD_PAGE).reverse()
  return {
    messages: await presentMessages(conversation, page, display),
    olderBefore: newestFirst.length > THREAD_PAGE ? page[0].id : null,
  }
}

/**
 * One message as the thread shows it (a live update): a reaction to a message of this
 * conversation is shown on that message, so that message comes back with all its reactions.
 */
export async function loadMessage(conversation: Conversation, id: number, display: Display) {
  const ofConversation = () => Message.query().where('workspace_id', conversation.workspaceId).where('conversation_id', conversation.id)
  const message = await ofConversation().where('id', id).firstOrFail()
  const targetId = message.type === 'reaction' ? reactionTargetOf(message) : null
  const target = targetId ? await ofConversation().where('id', targetId).first() : null
  if (!target) return (await presentMessages(conversation, [message], display))[0]
  const reactions = await ofConversation()
    .where('type', 'reaction')
    .where((q) => q.where('reply_to_id', target.id).orWhereRaw(`content->>'messageId' = ?`, [String(target.id)]))
    .orderBy('id')
  return (await presentMessages(conversation, [target, ...reactions], display))[0]
}
