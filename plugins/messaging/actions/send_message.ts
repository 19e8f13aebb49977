import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import { hooks } from '#hooks/bus'
import { columnsOf, prepared } from '#core/prepared'
import type Conversation from '#messaging/models/conversation'
import Contact from '#messaging/models/contact'
import Message from '#messaging/models/message'
import Media from '#messaging/models/media'
import MessageTemplate from '#messaging/models/message_template'
import type { MessageAuthor } from '#messaging/hooks'
import { FAILURE_REASONS } from '#messaging/services/channel_provider'
import { Refusal } from '#messaging/services/refusal'
import type { SendMessageInput } from '#messaging/validators/message'
import { wakeSender } from '#messaging/jobs/send_channel'

export interface SendMessageOptions {
  conversation: Conversation
  input: SendMessageInput
  author: { type: MessageAuthor; id: string | number | null }
  /** The conversation's contact when the caller has just read it (a bot's step): one query less. */
  contact?: Contact
}

/**
 * The conversations move up the inbox; each written at most once a second, since a burst of sends
 * (a bot, a campaign) would otherwise queue on the conversation's row lock. One statement.
 */
async function touchConversations(client: QueryClientContract, conversations: Conversation[], now: DateTime) {
  const secondAgo = now.minus({ seconds: 1 })
  const stale = conversations.filter((conversation) => conversation.lastActivityAt <= secondAgo)
  if (!stale.length) return
  for (const conversation of stale) conversation.lastActivityAt = now
  await client
    .from('conversations')
    .whereIn('workspace_id', [...new Set(stale.map((conversation) => conversation.workspaceId))])
    .whereIn('id', [...new Set(stale.map((conversation) => conversation.id))])
    .where('last_activity_at', '<', secondAgo.toSQL()!)
    .update({ last_activity_at: now.toSQL(), updated_at: now.toSQL() })
}

/** The message of this conversation that `id` names, or a 422 naming the field. */
async function messageOf(client: QueryClientContract, conversation: Conversation, id: number, field: string) {
  const message = await Message.query({ client }).where('workspace_id', conversation.workspaceId).where('conversation_id', conversation.id).where('id', id).first()
  if (!message) throw new Refusal(`${field}: no such message in this conversation`, field)
  return message
}

/** Checks what the content points at (our media, the reacted-to message, the synced template). */
async function checkReferences(client: QueryClientContract, conversation: Conversation, input: SendMessageInput) {
  const content = (input as Record<string, any>)[input.type] as Record<string, any>
  if (content?.mediaId !== undefined) {
    const media = await Media.query({ client }).where('workspace_id', conversation.workspaceId).where('id', content.mediaId).first()
    if (!media) throw new Refusal(`${input.type}.mediaId: no such media in this workspace`, `${input.type}.mediaId`)
  }
  if (input.type === 'reaction') {
    const target = await messageOf(client, conversation, content.messageId, 'reaction.messageId')
    if (!target.providerMessageId) throw new Refusal('reaction.messageId: that message has not reached WhatsApp yet', 'reaction.messageId')
  }
  if (input.type === 'template') {
    const template = await MessageTemplate.named({ workspaceId: conversation.workspaceId, id: conversation.channelId }, content.name, content.language.code, client)
    if (!template) throw new Refusal(`template.name: no approved template "${content.name}" (${content.language.code}) on this channel; sync the templates`, 'template.name')
    if (template.status.toUpperCase() !== 'APPROVED') throw new Refusal(`template.name: the template is ${template.status.toLowerCase()}`, 'template.name')
    for (const type of ['HEADER', 'BODY'] as const) {
      const expected = template.parameterCount(type)
      const given = (content.components ?? []).find((c: any) => c.type === type.toLowerCase())?.parameters?.length ?? 0
      if (expected !== given) {
        throw new Refusal(`template.components: the ${type.toLowerCase()} takes ${expected} parameter(s), ${given} given`, 'template.components')
      }
    }
  }
  if (input.replyToId) await messageOf(client, conversation, input.replyToId, 'replyToId')
}

const MESSAGE_COLUMNS = columnsOf(Message).join(', ')

/** What one message of a `sendMessages` batch became: queued, or refused with the reason. */
export type SendOutcome = { message: Message; refusal?: undefined } | { message?: undefined; refusal: Refusal }

/**
 * A queued message's outcome; its model is built when first read. A bulk caller that only counts
 * refusals does not pay for models it never reads: they were a quarter of a bulk call's CPU.
 */
function queuedOutcome(row: Record<string, unknown>): SendOutcome {
  let message: Message | undefined
  return {
    get message() {
      return (message ??= Message.$createFromAdapterResult(row) as Message)
    },
  }
}

/** Checks one message and runs the `message.beforeSend` filters: the row to insert, or a refusal. */
async function draft(client: QueryClientContract, { conversation, input, author }: SendMessageOptions, contact: Contact | undefined, now: DateTime) {
  if (!contact) throw new Refusal('This conversation has no contact')
  if (contact.blocked) throw new Refusal('This contact is blocked: unblock them to send messages')
  const windowOpen = !!conversation.windowExpiresAt && conversation.windowExpiresAt > now
  if (input.type !== 'template' && !windowOpen) throw new Refusal(FAILURE_REASONS.window_closed.text)
  await checkReferences(client, conversation, input)

  const filtered = await hooks.filter(
    'message.beforeSend',
    { type: input.type, content: (input as Record<string, any>)[input.type] },
    { workspaceId: conversation.workspaceId, conversationId: conversation.id, channelId: conversation.channelId, contactId: conversation.contactId, authorType: author.type }
  )
  if (filtered.cancelled) throw new Refusal(filtered.reason)
  return {
    workspace_id: conversation.workspaceId,
    conversation_id: conversation.id,
    channel_id: conversation.channelId,
    type: filtered.value.type,
    content: filtered.value.content,
    reply_to_id: input.replyToId ?? null,
    author_type: author.type,
    author_id: author.id === null ? null : String(author.id),
  }
}

/**
 * Queues outbound messages, many at once (a campaign, a bot's burst, the API's single send): each
 * is checked on its own — blocked contact, the 24-hour window, what its content refers to, the
 * `message.beforeSend` filters, which may change or cancel it — and a refused one is reported,
 * not written. The accepted ones are written `queued` in one INSERT, in the given order, their
 * conversations move up the inbox, and each channel's sender is woken once.
 *
 * `client`: a transaction the messages are queued in (a bot's step: its session moves on and its
 * answers are queued in one commit). Every read and write then uses that one connection, and the
 * senders are woken after the commit (a sender woken earlier would not see the rows yet).
 */
export async function sendMessages(items: SendMessageOptions[], client: QueryClientContract = db.connection()): Promise<SendOutcome[]> {
  const contactById = new Map(items.flatMap(({ contact }) => (contact ? [[contact.id, contact] as const] : [])))
  const missing = items.filter(({ conversation }) => !contactById.has(conversation.contactId)).map(({ conversation }) => conversation)
  if (missing.length) {
    const contactIds = [...new Set(missing.map((conversation) => conversation.contactId))]
    const workspaceIds = [...new Set(missing.map((conversation) => conversation.workspaceId))]
    for (const contact of await Contact.query({ client }).whereIn('workspace_id', workspaceIds).whereIn('id', contactIds)) contactById.set(contact.id, contact)
  }

  // One clock reading per call (window checks, queued time, inbox order), not luxon objects per message.
  const now = DateTime.now()
  const outcomes: (SendOutcome | null)[] = []
  const rows: Awaited<ReturnType<typeof draft>>[] = []
  const accepted: Conversation[] = []
  for (const item of items) {
    const contact = contactById.get(item.conversation.contactId)
    try {
      rows.push(await draft(client, item, contact?.workspaceId === item.conversation.workspaceId ? contact : undefined, now))
      accepted.push(item.conversation)
      outcomes.push(null)
    } catch (error) {
      if (!(error instanceof Refusal)) throw error
      outcomes.push({ refusal: error })
    }
  }
  if (!rows.length) return outcomes as SendOutcome[]

  const queuedAt = now.toISO()!
  // Inserted in the given order (ord): ids, and so the send order, follow it.
  const { rows: inserted } = await prepared(
    client.rawQuery(
    `insert into messages (workspace_id, conversation_id, channel_id, direction, type, content, status, reply_to_id, author_type, author_id,
                           attempts, next_attempt_at, created_at, updated_at)
     select v.workspace_id, v.conversation_id, v.channel_id, 'outbound', v.type, v.content, 'queued', v.reply_to_id, v.author_type, v.author_id,
            0, ?, ?, ?
       from jsonb_to_recordset(?::jsonb) as v(workspace_id int, conversation_id bigint, channel_id int, type text, content jsonb,
                                                          reply_to_id bigint, author_type text, author_id text, ord int)
      order by v.ord
     returning ${MESSAGE_COLUMNS}`,
      [queuedAt, queuedAt, queuedAt, JSON.stringify(rows.map((row, ord) => ({ ...row, ord })))]
    ),
    'messaging.queue_messages'
  )
  const queuedRows = inserted.sort((a: any, b: any) => Number(a.id) - Number(b.id))
  let next = 0
  const result = outcomes.map((outcome) => outcome ?? queuedOutcome(queuedRows[next++]))

  await touchConversations(client, accepted, now)
  const channels = new Map(rows.map((row) => [row.channel_id, row.workspace_id]))
  const wake = async () => {
    for (const [channelId, workspaceId] of channels) await wakeSender(workspaceId, channelId)
  }
  if (client.isTransaction) (client as TransactionClientContract).after('commit', wake)
  else await wake()
  return result
}

/** Queues one outbound message (see `sendMessages`); a refusal is thrown (422) and writes nothing. */
export async function sendMessage(options: SendMessageOptions, client?: QueryClientContract) {
  const [outcome] = await sendMessages([options], client)
  if (outcome.refusal) throw outcome.refusal
  return outcome.message!
}
