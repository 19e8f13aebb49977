import type { HttpContext } from '@adonisjs/core/http'
import { wantsFragment } from '#ui/htmx'
import Note from '#inbox/models/note'
import { editNote } from '#inbox/actions/edit_note'
import { deleteNote } from '#inbox/actions/delete_note'
import { displayOf } from '#inbox/presenters'
import { loadNote } from '#inbox/services/thread'
import { noteValidator } from '#inbox/validators/note'
import { backToConversation, findConversation, labelled } from '#inbox/controllers/context'

/** Editing and deleting internal notes: their author, or whoever may manage notes (owner, admin); others 403. */
export default class NoteEditsController {
  /** GET …/notes/:noteId/edit: the note as a form, in its place in the thread (HTMX). */
  async edit(ctx: HttpContext) {
    const { note } = await this.#changeable(ctx)
    return ctx.view.render('inbox::partials/note_form', { note })
  }

  /** PUT …/notes/:noteId: the new text; HTMX gets the note as the thread shows it. */
  async update(ctx: HttpContext) {
    const { conversation, note } = await this.#changeable(ctx)
    const { body } = await ctx.request.validateUsing(noteValidator, { messagesProvider: labelled(ctx, 'inbox.notes.fields') })
    await editNote({ workspace: ctx.tenant.workspace, conversation, note, editor: ctx.auth.user!, body })
    if (!wantsFragment(ctx)) return backToConversation(ctx, conversation)
    return ctx.view.render('inbox::partials/note', { note: await loadNote(conversation, note.id, displayOf(ctx)) })
  }

  /** DELETE …/notes/:noteId: HTMX gets 204 (the button takes the note away). */
  async destroy(ctx: HttpContext) {
    const { conversation, note } = await this.#changeable(ctx)
    await deleteNote(note, ctx.auth.user!.id)
    return wantsFragment(ctx) ? ctx.response.noContent() : backToConversation(ctx, conversation)
  }

  /** The conversation's note `:noteId` (404 elsewhere), if this user may change it (403). */
  async #changeable(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const note = await Note.query().where('workspace_id', conversation.workspaceId).where('conversation_id', conversation.id).where('id', ctx.params.noteId).firstOrFail()
    if (note.authorId !== ctx.auth.user!.id && !ctx.tenant.can('inbox.notes.manage')) {
      return ctx.response.abort({ errors: [{ message: ctx.i18n.t('inbox.note_edit.not_yours') }] }, 403)
    }
    return { conversation, note }
  }
}
