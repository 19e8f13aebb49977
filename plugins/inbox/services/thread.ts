import db from '@adonisjs/lucid/services/db'
import type Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import Media from '#messaging/models/media'
import MessageTemplate from '#messaging/models/message_template'
import Note from '#inbox/models/note'
import { mediaIdOf, presentMessage, presentNote, templateKey, type Display, type MessageView, type NoteView, type Related } from '#inbox/presenters'

/** Messages shown at once; "load older" fetches the next as many. */
export const THREAD_PAGE = 50

/** The message a reaction is on: inbound ones are linked by messaging, outbound ones name it. */
const reactionTargetOf = (message: Message) => message.replyToId ?? (Number((message.content as Record<string, unknown>)?.messageId) || null)

/** User id → name of people known already (the workspace's members, on a conversation's page): no query for them. */
export type KnownNames = Map<number, string>

/** The names of `ids`: those `known`, the others in one query. */
async function namesOf(ids: number[], known: KnownNames = new Map()) {
  const unique = [...new Set(ids)]
  const missing = unique.filter((id) => !known.has(id))
  const rows: { id: number; full_name: string }[] = missing.length ? await db.from('users').whereIn('id', missing).select('id', 'full_name') : []
  return new Map([...unique.filter((id) => known.has(id)).map((id) => [id, known.get(id)!] as const), ...rows.map((row) => [row.id, row.full_name] as const)])
}

/**
 * Everything `messages` refer to, in one query per kind: the quoted (and reacted-to) messages
 * that are not among them, our media files, the channel's templates by name, the agents who
 * wrote (unless `known`). Reactions whose message is among them become that message's emoji.
 */
async function relatedTo(conversation: Conversation, messages: Message[], known?: KnownNames) {
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
  const authors = await namesOf(agentIds, known)

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
    authors: new Map([...authors].map(([id, name]) => [String(id), name])),
    reactions,
  }
  return related
}

/** Messages as the views render them; reactions to a message among them show on it instead of on their own. */
export async function presentMessages(conversation: Conversation, messages: Message[], display: Display, known?: KnownNames): Promise<MessageView[]> {
  const related = await relatedTo(conversation, messages, known)
  const shown = new Set(messages.map((message) => message.id))
  return messages
    .filter((message) => message.type !== 'reaction' || !shown.has(reactionTargetOf(message) ?? 0))
    .map((message) => presentMessage(message, related, display))
}

/** What a thread shows, in order: messages and internal notes (kind 'note'). */
export type ThreadItem = MessageView | NoteView

/** Notes as the views render them, with their authors' names (one query, for those not `known`). */
async function presentNotes(notes: Note[], display: Display, known?: KnownNames) {
  const names = await namesOf(notes.map((note) => note.authorId).filter((id): id is number => !!id), known)
  return notes.map((note) => presentNote(note, note.authorId ? (names.get(note.authorId) ?? null) : null, display))
}

/** Messages (in id order) and notes (in time order) merged: a note goes before the first message written after it. */
function interleave(messages: MessageView[], notes: NoteView[]): ThreadItem[] {
  const items: ThreadItem[] = []
  let next = 0
  for (const message of messages) {
    while (next < notes.length && notes[next].atMs < message.atMs) items.push(notes[next++])
    items.push(message)
  }
  return [...items, ...notes.slice(next)]
}

/**
 * The latest messages of a conversation (or those before message `before`), oldest first, with
 * the notes written in the time they span, and the id to ask older ones before when there are
 * any. A page's notes are those from its first message's time (from the beginning, on the oldest
 * page) until the next page's first message (`before`), so each note is on exactly one page.
 */
export async function loadThread(conversation: Conversation, display: Display, before?: number, known?: KnownNames) {
  const query = Message.query()
    .where('workspace_id', conversation.workspaceId)
    .where('conversation_id', conversation.id)
    .orderBy('id', 'desc')
    .limit(THREAD_PAGE + 1)
  if (before) query.where('id', '<', before)
  const newestFirst = await query
  const page = newestFirst.slice(0, THREAD_PAGE).reverse()
  const olderBefore = newestFirst.length > THREAD_PAGE ? page[0].id : null

  const notes = Note.query().where('workspace_id', conversation.workspaceId).where('conversation_id', conversation.id).orderBy('created_at').orderBy('id')
  if (olderBefore) notes.where('created_at', '>=', page[0].createdAt.toSQL()!)
  if (before) {
    notes.whereRaw('created_at < (select created_at from messages where workspace_id = ? and conversation_id = ? and id = ?)', [conversation.workspaceId, conversation.id, before])
  }
  return {
    items: interleave(await presentMessages(conversation, page, display, known), await presentNotes(await notes, display, known)),
    olderBefore,
  }
}

/** One note as the thread shows it (a live update). */
export async function loadNote(conversation: Conversation, id: number, display: Display) {
  const note = await Note.query().where('workspace_id', conversation.workspaceId).where('conversation_id', conversation.id).where('id', id).firstOrFail()
  return (await presentNotes([note], display))[0]
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
