import type { HttpContext } from '@adonisjs/core/http'
import { sendMessage } from '#messaging/actions/send_message'
import { contactForPhone } from '#messaging/actions/store_contact'
import { openConversation } from '#messaging/actions/open_conversation'
import { startConversationValidator } from '#messaging/validators/message'
import { messageJson } from '#messaging/presenters'
import Channel from '#messaging/models/channel'
import { Refusal } from '#messaging/services/refusal'

/** POST /api/v1/messages: a message to a number, usually the first (a template). */
export default class MessagesController {
  async store({ auth, request, tenant, response }: HttpContext) {
    const { channelId, to, ...input } = await request.validateUsing(startConversationValidator)
    const channel = await Channel.query().where('workspace_id', tenant.workspace.id).where('id', channelId).first()
    if (!channel) throw new Refusal('channelId: no such channel in this workspace', 'channelId')
    const contact = await contactForPhone(tenant.workspace.id, to)
    const conversation = await openConversation(channel, contact)
    const message = await sendMessage({ conversation, input, author: { type: 'agent', id: auth.use('api').user!.id } })
    return response.accepted({ data: messageJson(message) })
  }
}
