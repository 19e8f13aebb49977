import type { HttpContext } from '@adonisjs/core/http'
import { wantsFragment } from '#ui/htmx'
import { conversationRowValidator, listConversationsValidator, showConversationValidator } from '#inbox/validators/conversation'
import { composerState, conversationHeader, conversationList, conversationPage, conversationRow, filterChoices } from '#inbox/services/inbox_pages'
import { readConversation } from '#inbox/actions/read_conversation'
import { filledQuery, findConversation, labelled } from '#inbox/controllers/context'

/** The inbox: the conversation list, and a conversation beside it. */
export default class ConversationsController {
  /** The whole page; for HTMX (filters, the next page as the list scrolls) only the rows. */
  async index(ctx: HttpContext) {
    const { current, ...filters } = await ctx.request.validateUsing(listConversationsValidator, { data: filledQuery(ctx), messagesProvider: labelled(ctx) })
    const list = await conversationList(ctx, filters)
    if (wantsFragment(ctx)) {
      // The first page (a conversation page's list, a live catch-up) carries the unread count for the tab title.
      if (list.unread !== null) ctx.response.header('X-Inbox-Unread', String(list.unread))
      return ctx.view.render('inbox::partials/list', { list, currentId: current ?? null })
    }
    return ctx.view.render('inbox::pages/index', { list, choices: await filterChoices(ctx) })
  }

  /** Opening a conversation reads it: unread goes to 0 and the customer sees blue ticks. */
  async show(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const { before, ...filters } = await ctx.request.validateUsing(showConversationValidator, { data: filledQuery(ctx), messagesProvider: labelled(ctx) })
    if (conversation.unreadCount > 0) await readConversation(conversation)
    return ctx.view.render('inbox::pages/show', await conversationPage(ctx, conversation, filters, before))
  }

  /**
   * GET …/row: the conversation's row as the list with these filters shows it (a live update),
   * or nothing when it is not in that list; the unread count rides along for the tab title.
   */
  async row(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const { current, ...filters } = await ctx.request.validateUsing(conversationRowValidator, { data: filledQuery(ctx), messagesProvider: labelled(ctx) })
    const { item, list, unread } = await conversationRow(ctx, conversation.id, filters)
    ctx.response.header('X-Inbox-Unread', String(unread))
    // Nothing (204) when the filters leave it out: the browser takes the row away.
    return item ? ctx.view.render('inbox::partials/list_item', { item, list, currentId: current ? item.id : null }) : ''
  }

  /** GET …/header: the conversation's header (a live update after an assignment or a status change). */
  async header(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    return ctx.view.render('inbox::partials/conversation_header', await conversationHeader(ctx, conversation))
  }

  /**
   * POST …/read: the agent has the conversation open and shown while a customer's message
   * arrives (live.js), or comes back to it: read as opening reads it (204).
   */
  async read(ctx: HttpContext) {
    await readConversation(await findConversation(ctx))
    return ctx.response.noContent()
  }

  /**
   * GET …/composer: the reply box as the 24-hour window has it now — the text box while it is
   * open, the template picker once it has closed (live.js swaps it when that changes).
   */
  async composer(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    return ctx.view.render('inbox::partials/composer_reply', await composerState(ctx, conversation))
  }
}
