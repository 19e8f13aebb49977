import { hooks } from '#hooks/bus'
import type Note from '#inbox/models/note'

/** Deletes a note (its author, or an owner or admin); announced on `note.deleted`, so open threads take it away. */
export async function deleteNote(note: Note, actorId: number) {
  await note.delete()
  await hooks.emit('note.deleted', { workspaceId: note.workspaceId, conversationId: note.conversationId, noteId: note.id, actorId })
}
