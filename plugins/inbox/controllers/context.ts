import type { HttpContext } from '@adonisjs/core/http'
import { LabelledMessages } from '#core/labelled_messages'
import Conversation from '#messaging/models/conversation'
import type Message from '#messaging/models/message'
import { wantsFragment } from '#ui/htmx'
import { displayOf } from '#inbox/presenters'
import { presentMessages } from '#inbox/services/thread'

/** This workspace's conversation `:id`; another workspace's (or none) is a 404. */
export function findConversation(ctx: HttpContext) {
  return Conversation.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
}

/** The query string without empty fields: a GET form sends every field, filled or not. */
export function filledQuery(ctx: HttpContext) {
  return Object.fromEntries(Object.entries(ctx.request.qs()).filter(([, value]) => value !== '' && value !== null))
}

/** Validation messages name the fields as the inbox's forms label them (lang: inbox.fields, or a form's own `labels`). */
export function labelled(ctx: HttpContext, labels = 'inbox.fields') {
  return new LabelledMessages(ctx.i18n, labels)
}

/** A plain form's answer: back to the conversation's page (`qs`: from an older page). */
export function backToConversation(ctx: HttpContext, conversation: Pick<Conversation, 'id'>, qs?: Record<string, unknown>) {
  return ctx.response.redirect().toRoute('inbox.conversations.show', { workspace: ctx.tenant.workspace.slug, id: conversation.id }, qs && { qs })
}

/** After a send: HTMX gets the new message for the thread (live.js adds it once), a plain form goes back. */
export async function sentMessage(ctx: HttpContext, conversation: Conversation, message: Message) {
  if (wantsFragment(ctx)) {
    const [view] = await presentMessages(conversation, [message], displayOf(ctx))
    return ctx.view.render('inbox::partials/message', { message: view, conversation })
  }
  return backToConversation(ctx, conversation)
}
