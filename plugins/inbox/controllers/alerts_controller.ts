import type { HttpContext } from '@adonisjs/core/http'
import router from '@adonisjs/core/services/router'
import Message from '#messaging/models/message'
import { previewOf } from '#inbox/presenters'
import { findConversation } from '#inbox/controllers/context'

/**
 * GET …/messages/:messageId/alert: what a browser notification (and the sound) for a new
 * message says, and whether this agent gets one at all: a customer's message in a conversation
 * assigned to them or to nobody.
 */
export default class AlertsController {
  async show(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const message = await Message.query().where('workspace_id', conversation.workspaceId).where('conversation_id', conversation.id).where('id', ctx.params.messageId).firstOrFail()
    await conversation.load('contact')
    const mine = conversation.assigneeId === null || conversation.assigneeId === ctx.auth.user!.id
    const { contact } = conversation
    return {
      alert: message.direction === 'inbound' && mine,
      title: contact.name ?? contact.profileName ?? contact.phone,
      body: previewOf(message.type, message.content, ctx.i18n),
      url: router.makeUrl('inbox.conversations.show', { workspace: ctx.tenant.workspace.slug, id: conversation.id }),
    }
  }
}
