import type { HttpContext } from '@adonisjs/core/http'
import { wantsFragment } from '#ui/htmx'
import { reactToMessage } from '#inbox/actions/react_to_message'
import { displayOf } from '#inbox/presenters'
import { loadMessage } from '#inbox/services/thread'
import { reactionValidator } from '#inbox/validators/reaction'
import { backToConversation, findConversation, labelled } from '#inbox/controllers/context'

/** Reactions from the thread to a customer's message. */
export default class ReactionsController {
  /** POST …/messages/:messageId/reactions: HTMX gets the message with its reactions (live.js puts it in place), a form goes back. */
  async store(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const { emoji } = await ctx.request.validateUsing(reactionValidator, { messagesProvider: labelled(ctx, 'inbox.reactions.fields') })
    const reaction = await reactToMessage({ conversation, messageId: ctx.params.messageId, emoji, authorId: ctx.auth.user!.id })
    if (!wantsFragment(ctx)) {
      return backToConversation(ctx, conversation)
    }
    return ctx.view.render('inbox::partials/message', { message: await loadMessage(conversation, reaction.id, displayOf(ctx)), conversation })
  }
}
