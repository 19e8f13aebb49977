import type { HttpContext } from '@adonisjs/core/http'
import { markConversationRead } from '#messaging/actions/mark_conversation_read'
import { wantsFragment } from '#ui/htmx'
import { listConversationsValidator, showConversationValidator } from '#inbox/validators/conversation'
import { conversationList, conversationPage, filterChoices } from '#inbox/services/inbox_pages'
import { filledQuery, findConversation, labelled } from '#inbox/controllers/context'

/** The inbox: the conversation list, and a conversation beside it. */
export default class ConversationsController {
  /** The whole page; for HTMX (filters, the next page as the list scrolls) only the rows. */
  async index(ctx: HttpContext) {
    const filters = await ctx.request.validateUsing(listConversationsValidator, { data: filledQuery(ctx), messagesProvider: labelled(ctx) })
    const list = await conversationList(ctx, filters)
    if (wantsFragment(ctx)) return ctx.view.render('inbox::partials/list', { list })
    return ctx.view.render('inbox::pages/index', { list, choices: await filterChoices(ctx) })
  }

  /** Opening a conversation reads it: unread goes to 0 and the customer sees blue ticks. */
  async show(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const { before, ...filters } = await ctx.request.validateUsing(showConversationValidator, { data: filledQuery(ctx), messagesProvider: labelled(ctx) })
    if (conversation.unreadCount > 0) await markConversationRead(conversation)
    return ctx.view.render('inbox::pages/show', await conversationPage(ctx, conversation, filters, before))
  }
}
