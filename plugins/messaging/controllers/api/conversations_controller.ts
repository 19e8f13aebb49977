import type { HttpContext } from '@adonisjs/core/http'
import Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import { sendMessage } from '#messaging/actions/send_message'
import { markConversationRead } from '#messaging/actions/mark_conversation_read'
import { listConversationsValidator, listMessagesValidator, markReadValidator } from '#messaging/validators/conversation'
import { sendMessageValidator } from '#messaging/validators/message'
import { conversationJson, messageJson, page } from '#messaging/presenters'

/** /api/v1/conversations and their messages. */
export default class ConversationsController {
  async index({ request, tenant, response }: HttpContext) {
    const filters = await request.validateUsing(listConversationsValidator, { data: request.qs() })
    const query = Conversation.query().where('workspace_id', tenant.workspace.id).preload('contact')
    if (filters.status) query.where('status', filters.status)
    if (filters.assignee === 'none') query.whereNull('assignee_id')
    else if (filters.assignee) query.where('assignee_id', Number(filters.assignee))
    if (filters.channel) query.where('channel_id', filters.channel)
    if (filters.contact) query.where('contact_id', filters.contact)
    const conversations = await query.orderBy('last_activity_at', 'desc').orderBy('id', 'desc').paginate(filters.page ?? 1, filters.perPage ?? 25)
    return response.json(page(conversations, conversationJson))
  }

  async show({ params, tenant, response }: HttpContext) {
    const conversation = await Conversation.findInWorkspace(tenant.workspace.id, params.id)
    await conversation.load('contact')
    return response.json({ data: conversationJson(conversation) })
  }

  /** Page 1 holds the newest messages; within a page the newest is last. */
  async messages({ params, request, tenant, response }: HttpContext) {
    const conversation = await Conversation.findInWorkspace(tenant.workspace.id, params.id)
    const { page: number = 1, perPage = 50 } = await request.validateUsing(listMessagesValidator, { data: request.qs() })
    const messages = await Message.query()
      .where('workspace_id', conversation.workspaceId)
      .where('conversation_id', conversation.id)
      .orderBy('id', 'desc')
      .paginate(number, perPage)
    const body = page(messages, messageJson)
    return response.json({ ...body, data: body.data.reverse() })
  }

  async send({ auth, params, request, tenant, response }: HttpContext) {
    const conversation = await Conversation.findInWorkspace(tenant.workspace.id, params.id)
    const input = await request.validateUsing(sendMessageValidator)
    const message = await sendMessage({ conversation, input, author: { type: 'agent', id: auth.use('api').user!.id } })
    return response.accepted({ data: messageJson(message) })
  }

  /** Blue ticks on the customer's latest message (and "typing…" with `typing: true`). */
  async read({ params, request, tenant, response }: HttpContext) {
    const conversation = await Conversation.findInWorkspace(tenant.workspace.id, params.id)
    const { typing = false } = await request.validateUsing(markReadValidator)
    await markConversationRead(conversation, { typing })
    return response.accepted({ data: conversationJson(conversation) })
  }
}
