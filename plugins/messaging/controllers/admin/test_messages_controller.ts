import type { HttpContext } from '@adonisjs/core/http'
import Message from '#messaging/models/message'
import { messageNumber } from '#messaging/actions/message_number'
import { normalisedPhone } from '#messaging/actions/store_contact'
import { startConversationValidator } from '#messaging/validators/message'
import { Refusal } from '#messaging/services/refusal'
import { findChannel, formAction, validateForm } from '#messaging/controllers/admin/forms'
import { wantsFragment } from '#ui/htmx'
import { helloWorldOf } from '#messaging/controllers/admin/channels_controller'

/**
 * "Send a test message" on a channel's page: a text (or the hello_world template) to a number,
 * through the real send queue, and its status until it leaves the queue.
 */
export default class TestMessagesController {
  async store(ctx: HttpContext) {
    const channel = await findChannel(ctx)
    return formAction(ctx, async () => {
      const { to, channelId: _, ...input } = await validateForm(ctx, startConversationValidator, { ...ctx.request.all(), channelId: channel.id })
      let message: Message
      try {
        message = await messageNumber(channel, to, input, { type: 'agent', id: ctx.auth.user!.id })
      } catch (error) {
        // The 24-hour window (or a filter): say why here, and offer the template that may go.
        if (!(error instanceof Refusal) || error.field || !wantsFragment(ctx)) throw error
        const helloWorld = await helloWorldOf(channel)
        return ctx.response.status(422).send(await ctx.view.render('messaging::partials/test_message', { channel, refusal: error.message, to: normalisedPhone(to, 'to'), helloWorld }))
      }
      if (wantsFragment(ctx)) return ctx.view.render('messaging::partials/test_message', { channel, message })
      ctx.session.flash('success', ctx.i18n.t('messaging.test.queued'))
      return ctx.response.redirect().toRoute('messaging.channels.show', { workspace: ctx.tenant.workspace.slug, id: channel.id }, { qs: { message: message.id } })
    })
  }

  /** The message's status: HTMX polls it every 2 s while it is queued. */
  async show(ctx: HttpContext) {
    const channel = await findChannel(ctx)
    const message = await Message.query()
      .where('workspace_id', ctx.tenant.workspace.id)
      .where('channel_id', channel.id)
      .where('direction', 'outbound')
      .where('id', Number(ctx.params.message) || 0)
      .firstOrFail()
    if (wantsFragment(ctx)) return ctx.view.render('messaging::partials/test_message', { channel, message })
    return ctx.response.redirect().toRoute('messaging.channels.show', { workspace: ctx.tenant.workspace.slug, id: channel.id }, { qs: { message: message.id } })
  }
}
