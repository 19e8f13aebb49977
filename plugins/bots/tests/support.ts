/**
 * What the bots' tests share: a workspace with the bots on and one customer's open conversation,
 * flows imported and published through the real actions, and customer messages stored as
 * inbound rows and offered through `message.claim` as messaging does after a webhook.
 */
import { DateTime } from 'luxon'
import { hooks } from '#hooks/bus'
import { pluginEnablement } from '#plugins/enablement'
import { workspaceWithMember } from '#database/factories/index'
import Channel from '#messaging/models/channel'
import Contact from '#messaging/models/contact'
import Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import Flow from '#bots/models/flow'
import { importFlow } from '#bots/actions/import_flow'
import { publishFlow } from '#bots/actions/publish_flow'
import type { FlowTrigger } from '#bots/services/flow_schema'

let customers = 0

export async function botWorkspace() {
  const { workspace, user } = await workspaceWithMember('owner')
  await pluginEnablement.enable(workspace, 'bots', user.id)
  const channel = await Channel.create({
    workspaceId: workspace.id,
    provider: 'whatsapp-cloud',
    name: 'Shop',
    displayPhone: '+15550002222',
    providerIds: { phoneNumberId: `bots${++customers}`, wabaId: 'waba' },
    credentials: { accessToken: 'token', appSecret: 'secret' },
    throughputPerSecond: 80,
  })
  const phone = `+4915550${String(customers).padStart(6, '0')}`
  const contact = await Contact.create({ workspaceId: workspace.id, phone, waId: phone.slice(1), name: 'Jürgen', optInStatus: 'opted_in', blocked: false, attributes: {} })
  const conversation = await Conversation.create({
    workspaceId: workspace.id,
    contactId: contact.id,
    channelId: channel.id,
    status: 'open',
    unreadCount: 0,
    lastActivityAt: DateTime.now(),
    windowExpiresAt: DateTime.now().plus({ hours: 20 }),
  })
  return { workspace, user, channel, contact, conversation }
}

/** Imports `nodes` as a flow, publishes and switches it on. */
export async function liveFlow(workspaceId: number, nodes: object[], trigger: FlowTrigger = { type: 'any' }, name = `Flow ${++customers}`) {
  const json = JSON.stringify({ schemaVersion: 1, name, trigger, start: (nodes[0] as { id: string }).id, nodes })
  const imported = await importFlow({ workspaceId, json, userId: null })
  if (!imported.ok) throw new Error(imported.errors.join('\n'))
  await publishFlow(imported.flow)
  await imported.flow.merge({ enabled: true }).save()
  return Flow.findOrFail(imported.flow.id)
}

/** The customer writes (a text, or any type's content): stored, then offered to the bots. */
export async function customerSays(conversation: Conversation, text: string | { type: 'interactive' | 'button' | 'text'; content: Record<string, unknown> }, firstMessage = false) {
  const { type, content } = typeof text === 'string' ? { type: 'text' as const, content: { body: text } } : text
  const message = await Message.create({
    workspaceId: conversation.workspaceId,
    conversationId: conversation.id,
    channelId: conversation.channelId,
    direction: 'inbound',
    type,
    content,
    status: 'received',
    providerMessageId: `wamid.bot${Date.now()}${Math.random()}`,
    authorType: 'contact',
    authorId: String(conversation.contactId),
  })
  return hooks.ask('message.claim', {
    workspaceId: conversation.workspaceId,
    messageId: message.id,
    conversationId: conversation.id,
    contactId: conversation.contactId,
    channelId: conversation.channelId,
    type,
    content,
    firstMessage,
  })
}

/** What the bot sent in the conversation, oldest first: texts as strings, others as `type:content`. */
export async function botSaid(conversation: Conversation) {
  const messages = await Message.query().where('conversation_id', conversation.id).where('direction', 'outbound').orderBy('id')
  return messages.map((message) => {
    if (message.authorType !== 'bot') throw new Error(`message ${message.id} was written by ${message.authorType}`)
    const content = message.content as Record<string, any>
    return message.type === 'text' ? content.body : { type: message.type, ...content }
  })
}

export { dropQueuedJobs } from '#messaging/tests/support'
