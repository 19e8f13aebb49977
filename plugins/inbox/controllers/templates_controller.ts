import type { HttpContext } from '@adonisjs/core/http'
import { sendTemplate } from '#inbox/actions/send_template'
import { channelTemplate, templatePreview } from '#inbox/services/templates'
import { templateMessageValidator } from '#inbox/validators/message'
import { findConversation, labelled, sentMessage } from '#inbox/controllers/context'

/** The closed-window composer: a template's live preview, and sending it. */
export default class TemplatesController {
  /** GET …/templates/preview: the template with the parameters typed so far (HTMX, as the agent types). */
  async preview(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const { templateId, ...parameters } = await ctx.request.validateUsing(templateMessageValidator, { data: ctx.request.qs(), messagesProvider: labelled(ctx) })
    const template = await channelTemplate(conversation, templateId)
    return ctx.view.render('inbox::partials/template_preview', { preview: templatePreview(template, parameters) })
  }

  /** POST …/templates: sends it; HTMX gets the message to add to the thread, a form goes back. */
  async store(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const { templateId, header, body } = await ctx.request.validateUsing(templateMessageValidator, { messagesProvider: labelled(ctx) })
    const message = await sendTemplate({ conversation, templateId, header, body, actorId: ctx.auth.user!.id })
    return sentMessage(ctx, conversation, message)
  }
}
