import type { HttpContext } from '@adonisjs/core/http'
import { wantsFragment } from '#ui/htmx'
import { changeConversationStatus } from '#inbox/actions/change_conversation_status'
import { changeStatusValidator } from '#inbox/validators/conversation'
import { conversationHeader } from '#inbox/services/inbox_pages'
import { backToConversation, findConversation, labelled } from '#inbox/controllers/context'

/** POST …/status: open, pending, snoozed until a time, resolved. */
export default class StatusesController {
  async store(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const { status, snoozedUntil } = await ctx.request.validateUsing(changeStatusValidator, { messagesProvider: labelled(ctx) })
    await changeConversationStatus({ conversation, status, snoozedUntil, timezone: ctx.tenant.workspace.timezone || 'UTC', actorId: ctx.auth.user!.id })
    if (wantsFragment(ctx)) return ctx.view.render('inbox::partials/conversation_header', await conversationHeader(ctx, conversation))
    return backToConversation(ctx, conversation)
  }
}
