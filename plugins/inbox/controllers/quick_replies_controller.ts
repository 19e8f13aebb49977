import type { HttpContext } from '@adonisjs/core/http'
import { wantsFragment } from '#ui/htmx'
import QuickReply from '#inbox/models/quick_reply'
import { saveQuickReply } from '#inbox/actions/save_quick_reply'
import { deleteQuickReply } from '#inbox/actions/delete_quick_reply'
import { QUICK_REPLIES_PAGE, QUICK_REPLY_VARIABLES, fillVariables, popupMatches, quickRepliesOf } from '#inbox/services/quick_replies'
import { quickReplyListValidator, quickReplySearchValidator, quickReplyValidator } from '#inbox/validators/quick_reply'
import { filledQuery, findConversation, labelled } from '#inbox/controllers/context'

/** The variables as a quick reply writes them, for the form's help. */
const variables = QUICK_REPLY_VARIABLES.map((name) => `{{${name}}}`)

/** Quick replies: managed in settings (inbox.quick_replies.manage), offered on "/" in the composer (inbox.reply). */
export default class QuickRepliesController {
  /** The list, searchable and paged; HTMX (the search box) gets only the table. */
  async index(ctx: HttpContext) {
    const { q, page } = await ctx.request.validateUsing(quickReplyListValidator, { data: filledQuery(ctx), messagesProvider: labelled(ctx, 'inbox.quick_replies.fields') })
    const replies = await quickRepliesOf(ctx.tenant.workspace.id, q).paginate(page ?? 1, QUICK_REPLIES_PAGE)
    replies.baseUrl(ctx.request.url()).queryString(q ? { q } : {})
    if (wantsFragment(ctx)) return ctx.view.render('inbox::partials/quick_replies_list', { replies, q })
    return ctx.view.render('inbox::pages/quick_replies/index', { replies, q })
  }

  async create({ view }: HttpContext) {
    return view.render('inbox::pages/quick_replies/form', { reply: null, variables })
  }

  async store(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(quickReplyValidator, { meta: { workspaceId: ctx.tenant.workspace.id }, messagesProvider: labelled(ctx, 'inbox.quick_replies.fields') })
    await saveQuickReply(ctx.tenant.workspace.id, input)
    ctx.session.flash('success', ctx.i18n.t('inbox.quick_replies.saved', { shortcut: input.shortcut }))
    return ctx.response.redirect().toRoute('inbox.quick_replies.index', { workspace: ctx.tenant.workspace.slug })
  }

  async edit(ctx: HttpContext) {
    return ctx.view.render('inbox::pages/quick_replies/form', { reply: await this.#find(ctx), variables })
  }

  async update(ctx: HttpContext) {
    const reply = await this.#find(ctx)
    const input = await ctx.request.validateUsing(quickReplyValidator, {
      meta: { workspaceId: ctx.tenant.workspace.id, ignoreId: reply.id },
      messagesProvider: labelled(ctx, 'inbox.quick_replies.fields'),
    })
    await saveQuickReply(ctx.tenant.workspace.id, input, reply)
    ctx.session.flash('success', ctx.i18n.t('inbox.quick_replies.saved', { shortcut: input.shortcut }))
    return ctx.response.redirect().toRoute('inbox.quick_replies.index', { workspace: ctx.tenant.workspace.slug })
  }

  async destroy(ctx: HttpContext) {
    const reply = await this.#find(ctx)
    await deleteQuickReply(reply)
    ctx.session.flash('success', ctx.i18n.t('inbox.quick_replies.deleted', { shortcut: reply.shortcut }))
    return ctx.response.redirect().toRoute('inbox.quick_replies.index', { workspace: ctx.tenant.workspace.slug })
  }

  /**
   * GET …/conversations/:id/quick-replies?q=: the composer's popup, JSON. Each reply comes filled
   * for this conversation (the server is the one place that knows the variables).
   */
  async search(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const { q } = await ctx.request.validateUsing(quickReplySearchValidator, { data: ctx.request.qs(), messagesProvider: labelled(ctx, 'inbox.quick_replies.fields') })
    await conversation.load('contact')
    const context = { contact: conversation.contact, agent: ctx.auth.user!, workspace: ctx.tenant.workspace }
    const replies = await popupMatches(ctx.tenant.workspace.id, q)
    return { data: replies.map((reply) => ({ id: reply.id, shortcut: reply.shortcut, text: fillVariables(reply.body, context) })) }
  }

  #find(ctx: HttpContext) {
    return QuickReply.query().where('workspace_id', ctx.tenant.workspace.id).where('id', ctx.params.id).firstOrFail()
  }
}
