/**
 * What the inbox's tests share: a workspace with the inbox on (and so messaging), a channel,
 * and conversations with messages written straight into the messaging tables; or, end to end,
 * a channel in the simulator whose customer wrote.
 */
import { DateTime } from 'luxon'
import type { ApiClient } from '@japa/api-client'
import type { Role } from '#access/roles'
import { pluginEnablement } from '#plugins/enablement'
import { addMember, workspaceWithMember } from '#database/factories/index'
import type Workspace from '#tenancy/models/workspace'
import Channel from '#messaging/models/channel'
import Contact from '#messaging/models/contact'
import Conversation, { type ConversationStatus } from '#messaging/models/conversation'
import Message, { type MessageStatus, type MessageType } from '#messaging/models/message'
import { apiWorkspace, connectCloudChannel, until } from '#messaging/tests/support'
import type { NumberConfig, Simulator } from '#simulator/simulator/server'

/** A workspace with the inbox on, its owner, a member of `role` (the owner for 'owner') and a channel. */
export async function inboxWorkspace(role: Role = 'owner') {
  const { workspace, user: owner } = await workspaceWithMember('owner')
  await pluginEnablement.enable(workspace, 'inbox', owner.id)
  const user = role === 'owner' ? owner : await addMember(workspace, role)
  const channel = await channelIn(workspace)
  return { workspace, owner, user, channel, base: `/w/${workspace.slug}/inbox` }
}

export function channelIn(workspace: Workspace, name = 'Support') {
  return Channel.create({
    workspaceId: workspace.id,
    provider: 'whatsapp-cloud',
    name,
    displayPhone: '+15550001111',
    providerIds: { phoneNumberId: '1001', wabaId: '2002' },
    credentials: { accessToken: 'token', appSecret: 'secret' },
    throughputPerSecond: 80,
  })
}

let phones = 0

export interface ConversationSeed {
  name?: string | null
  phone?: string
  status?: ConversationStatus
  assigneeId?: number | null
  unread?: number
  /** Minutes ago of the last activity (default: now, later calls newer). */
  minutesAgo?: number
  /** The 24-hour window is open (default true). */
  windowOpen?: boolean
  /** Inbound texts, oldest first. */
  texts?: string[]
}

/** A contact and their conversation on `channel`, with `texts` as inbound messages. */
export async function conversationIn(channel: Channel, seed: ConversationSeed = {}) {
  const phone = seed.phone ?? `+4477009${String(++phones).padStart(5, '0')}`
  const contact = await Contact.create({
    workspaceId: channel.workspaceId,
    phone,
    waId: phone.slice(1),
    name: seed.name === undefined ? `Customer ${phones}` : seed.name,
    profileName: null,
    optInStatus: 'opted_in',
    blocked: false,
    attributes: {},
    firstSeenAt: DateTime.now().minus({ days: 3 }),
    lastSeenAt: DateTime.now(),
  })
  const conversation = await Conversation.create({
    workspaceId: channel.workspaceId,
    contactId: contact.id,
    channelId: channel.id,
    status: seed.status ?? 'open',
    assigneeId: seed.assigneeId ?? null,
    unreadCount: seed.unread ?? 0,
    lastActivityAt: DateTime.now().minus({ minutes: seed.minutesAgo ?? 0 }),
    windowExpiresAt: seed.windowOpen === false ? DateTime.now().minus({ hours: 1 }) : DateTime.now().plus({ hours: 20 }),
  })
  for (const body of seed.texts ?? []) await messageIn(conversation, { content: { body } })
  return { contact, conversation }
}

export interface MessageSeed {
  direction?: 'inbound' | 'outbound'
  type?: MessageType
  content: Record<string, unknown> | Record<string, unknown>[]
  status?: MessageStatus
  replyToId?: number | null
  errorReason?: string | null
  providerMessageId?: string | null
}

let wamids = 0

/** A message in `conversation` (inbound text unless said otherwise). */
export function messageIn(conversation: Conversation, seed: MessageSeed) {
  const direction = seed.direction ?? 'inbound'
  return Message.create({
    workspaceId: conversation.workspaceId,
    conversationId: conversation.id,
    channelId: conversation.channelId,
    direction,
    type: seed.type ?? 'text',
    content: seed.content as Record<string, unknown>,
    status: seed.status ?? (direction === 'inbound' ? 'received' : 'sent'),
    providerMessageId: seed.providerMessageId === undefined ? `wamid.T${++wamids}` : seed.providerMessageId,
    replyToId: seed.replyToId ?? null,
    errorReason: seed.errorReason ?? null,
    authorType: direction === 'inbound' ? 'contact' : 'agent',
    authorId: null,
  })
}

/**
 * End to end: a workspace with the inbox on, its channel connected to the simulator, and a
 * customer who wrote `text` `hoursAgo` (25: the window is closed), stored by the real webhook path.
 * `number` changes the simulator's number (e.g. slower statuses).
 */
export async function customerWrote(client: ApiClient, simulator: Simulator, text = 'Hallo!', hoursAgo = 0, number: Partial<NumberConfig> = {}) {
  const { workspace, user, token } = await apiWorkspace()
  // A fixed name: a generated one may hold an apostrophe, which the page escapes.
  await user.merge({ fullName: 'Ada Agent' }).save()
  await pluginEnablement.enable(workspace, 'inbox', user.id)
  const { channelId, phoneNumberId } = await connectCloudChannel(client, token, simulator, number)
  const from = '4915112345678'
  const wamid = await simulator.inject(phoneNumberId, { from, name: 'Jürgen', type: 'text', text, timestamp: Math.floor(Date.now() / 1000) - hoursAgo * 3600 })
  let conversation: Conversation | null = null
  await until(async () => !!(conversation = await Conversation.query().where('workspace_id', workspace.id).first()), 'the inbound conversation')
  const inbound = await Message.query().where('conversation_id', conversation!.id).firstOrFail()
  return { workspace, user, token, channelId, phoneNumberId, from, wamid, conversation: conversation!, inbound, base: `/w/${workspace.slug}/inbox/conversations/${conversation!.id}` }
}
