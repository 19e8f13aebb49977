import type { HttpContext } from '@adonisjs/core/http'
import { wantsFragment } from '#ui/htmx'
import { Refusal } from '#messaging/services/refusal'
import { assignConversation } from '#inbox/actions/assign_conversation'
import { assignConversationValidator } from '#inbox/validators/conversation'
import { conversationHeader } from '#inbox/services/inbox_pages'
import { backToConversation, findConversation, labelled } from '#inbox/controllers/context'

/** POST …/assignment: to a member, to oneself, or to nobody; to a team, or none. */
export default class AssignmentsController {
  async store(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const { assigneeId, teamId } = await ctx.request.validateUsing(assignConversationValidator, { messagesProvider: labelled(ctx) })
    if (assigneeId === undefined && teamId === undefined) throw new Refusal(ctx.i18n.t('inbox.teams.nothing_to_assign'), 'assigneeId')
    await assignConversation({ conversation, assigneeId, teamId, actorId: ctx.auth.user!.id })
    if (wantsFragment(ctx)) return ctx.view.render('inbox::partials/conversation_header', await conversationHeader(ctx, conversation))
    return backToConversation(ctx, conversation)
  }
}
