import { DateTime } from 'luxon'
import { hooks } from '#hooks/bus'
import type User from '#auth/models/user'
import type Workspace from '#tenancy/models/workspace'
import type Conversation from '#messaging/models/conversation'
import type Note from '#inbox/models/note'
import { keptMentions, notifyMentioned } from '#inbox/actions/add_note'

export interface EditNoteOptions {
  workspace: Workspace
  conversation: Conversation
  note: Note
  /** Who changes it: its author, or an owner or admin (the controller checks). */
  editor: User
  body: string
}

/**
 * Changes a note's text. Its mentions are read again; only members it did not mention before
 * are notified (nobody hears twice about one note). Announced on `note.updated`, which live
 * updates turn into a fetch of the note in every open thread.
 */
export async function editNote({ workspace, conversation, note, editor, body }: EditNoteOptions) {
  const before = new Set(note.mentions)
  note.merge({ body, mentions: await keptMentions(workspace.id, body), editedAt: DateTime.now() })
  await note.save()
  await notifyMentioned({ workspace, conversation, author: editor, body }, note.mentions.filter((id) => !before.has(id)))
  await hooks.emit('note.updated', { workspaceId: workspace.id, conversationId: conversation.id, noteId: note.id, editorId: editor.id })
  return note
}
