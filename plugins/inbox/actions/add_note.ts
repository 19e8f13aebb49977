import router from '@adonisjs/core/services/router'
import i18nManager from '@adonisjs/i18n/services/main'
import { hooks } from '#hooks/bus'
import { notify } from '#notifications/notify'
import User from '#auth/models/user'
import type Workspace from '#tenancy/models/workspace'
import type Conversation from '#messaging/models/conversation'
import Note from '#inbox/models/note'
import { mentionedIds, plainMentions } from '#inbox/services/mentions'
import { mentionableMembers } from '#inbox/services/members'

export interface AddNoteOptions {
  workspace: Workspace
  conversation: Conversation
  author: User
  body: string
}

/** A notification's body: the note as read, cut short. */
const excerpt = (body: string) => {
  const text = plainMentions(body)
  return text.length > 200 ? `${text.slice(0, 199)}…` : text
}

/** The members `body` mentions who may read the inbox, in order (others stay plain text). */
export async function keptMentions(workspaceId: number, body: string) {
  const wanted = mentionedIds(body)
  const members = wanted.length ? await mentionableMembers(workspaceId, wanted) : []
  return wanted.filter((id) => members.some((member) => member.id === id))
}

/** An in-app notification to each of `userIds` but the author, in their language, linking to the conversation. */
export async function notifyMentioned({ workspace, conversation, author, body }: AddNoteOptions, userIds: number[]) {
  const url = router.makeUrl('inbox.conversations.show', { workspace: workspace.slug, id: conversation.id })
  const notified = userIds.filter((id) => id !== author.id)
  const recipients = notified.length ? await User.query().whereIn('id', notified) : []
  for (const recipient of recipients) {
    const i18n = i18nManager.locale(i18nManager.getSupportedLocaleFor([recipient.locale]) ?? i18nManager.defaultLocale)
    await notify({ userId: recipient.id, workspaceId: workspace.id, title: i18n.t('inbox.notes.mentioned', { name: author.fullName }), body: excerpt(body), url })
  }
}

/**
 * Adds an internal note to the conversation. It stays in the inbox's table and is never sent:
 * nothing here touches messaging. Mentions of members who can read the inbox are kept (others
 * are left as text); each of them but the author gets an in-app notification, in their language,
 * linking to the conversation. Announced on `note.created`.
 */
export async function addNote({ workspace, conversation, author, body }: AddNoteOptions) {
  const note = await Note.create({
    workspaceId: workspace.id,
    conversationId: conversation.id,
    authorId: author.id,
    body,
    mentions: await keptMentions(workspace.id, body),
  })
  await notifyMentioned({ workspace, conversation, author, body }, note.mentions)

  await hooks.emit('note.created', { workspaceId: workspace.id, conversationId: conversation.id, noteId: note.id, authorId: author.id, mentions: note.mentions })
  return note
}
