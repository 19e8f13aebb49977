import type { HttpContext } from '@adonisjs/core/http'
import { wantsFragment } from '#ui/htmx'
import { addNote } from '#inbox/actions/add_note'
import { displayOf } from '#inbox/presenters'
import { loadNote } from '#inbox/services/thread'
import { noteValidator } from '#inbox/validators/note'
import { backToConversation, findConversation, labelled } from '#inbox/controllers/context'

/** Internal notes on a conversation: for the team, never sent to the customer. */
export default class NotesController {
  /** GET …/notes/:noteId: one note as the thread shows it (a live update fetches it). */
  async show(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const note = await loadNote(conversation, ctx.params.noteId, displayOf(ctx))
    return ctx.view.render('inbox::partials/note', { note })
  }

  /** A new note: HTMX gets it for the thread (live.js adds it once), a plain form goes back. */
  async store(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const { body } = await ctx.request.validateUsing(noteValidator, { messagesProvider: labelled(ctx, 'inbox.notes.fields') })
    const note = await addNote({ workspace: ctx.tenant.workspace, conversation, author: ctx.auth.user!, body })
    if (wantsFragment(ctx)) {
      return ctx.view.render('inbox::partials/note', { note: await loadNote(conversation, note.id, displayOf(ctx)) })
    }
    return backToConversation(ctx, conversation)
  }
}
