import type { HttpContext } from '@adonisjs/core/http'
import { messageNumber } from '#messaging/actions/message_number'
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
    const message = await messageNumber(channel, to, input, { type: 'agent', id: auth.use('api').user!.id })
    return response.accepted({ data: messageJson(message) })
  }
}
