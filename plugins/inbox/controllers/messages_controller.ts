import type { HttpContext } from '@adonisjs/core/http'
import { sendMessage } from '#messaging/actions/send_message'
import { sendMessageValidator } from '#messaging/validators/message'
import { wantsFragment } from '#ui/htmx'
import { displayOf } from '#inbox/presenters'
import { loadMessage, loadThread } from '#inbox/services/thread'
import { olderMessagesValidator, replyValidator } from '#inbox/validators/message'
import { backToConversation, findConversation, labelled, sentMessage } from '#inbox/controllers/context'

/** A conversation's messages: older pages, and the agent's reply. */
export default class MessagesController {
  /**
   * "Load older": for HTMX the older messages (and the next link); otherwise the page from there.
   * Without `before`, the latest page: what a page that missed live events merges (live.js).
   */
  async index(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const { before } = await ctx.request.validateUsing(olderMessagesValidator, { data: ctx.request.qs(), messagesProvider: labelled(ctx) })
    if (!wantsFragment(ctx)) {
      return backToConversation(ctx, conversation, { before })
    }
    const thread = await loadThread(conversation, displayOf(ctx), before)
    return ctx.view.render('inbox::partials/thread_page', { conversation, thread })
  }

  /** GET …/messages/:messageId: one message as the thread shows it (a live update fetches it). */
  async show(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const message = await loadMessage(conversation, ctx.params.messageId, displayOf(ctx))
    return ctx.view.render('inbox::partials/message', { message, conversation })
  }

  /**
   * A text reply, through messaging's send action (the API's): refused with a 422 outside the
   * 24-hour window. HTMX gets the new message; a plain form goes back.
   */
  async store(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const { body, replyToId } = await ctx.request.validateUsing(replyValidator, { messagesProvider: labelled(ctx) })
    // The form's fields in the API's shape, through the API's own validator.
    const input = await sendMessageValidator.validate({ type: 'text', text: { body }, replyToId })
    const message = await sendMessage({ conversation, input, author: { type: 'agent', id: ctx.auth.user!.id } })
    return sentMessage(ctx, conversation, message)
  }
}
