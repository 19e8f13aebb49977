import { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { StrictValues } from '@adonisjs/lucid/types/querybuilder'
import { hooks } from '#hooks/bus'
import { prepared } from '#core/prepared'
import { jobs } from '#jobs/registry'
import type Channel from '#messaging/models/channel'
import { MEDIA_TYPES } from '#messaging/models/message'
import type { InboundMessageEvent } from '#messaging/services/channel_provider'
import { toE164, waIdOf } from '#messaging/services/phone'
import { fetchMedia } from '#messaging/jobs/fetch_media'

const WINDOW_HOURS = 24

/** Something that happened in the transaction, announced on the hook bus once it committed. */
/**
 * What a batch announces once it committed (hooks, jobs), in its conversation's lane: a lane's
 * announcements run in order, lanes side by side (`announceAll`), so the customers whose
 * messages shared a batch do not wait for each other's bot steps.
 */
export interface Announcement {
  conversationId: number
  fire: () => Promise<unknown>
}

/** Lanes at once: each may hold a pooled connection (a bot's step, say). */
const LANES_AT_ONCE = 8

/** Fires `announcements`: in order within a conversation, up to LANES_AT_ONCE conversations at once. */
export async function announceAll(announcements: Announcement[]) {
  const lanes = new Map<number, Announcement[]>()
  for (const announcement of announcements) {
    const lane = lanes.get(announcement.conversationId)
    if (lane) lane.push(announcement)
    else lanes.set(announcement.conversationId, [announcement])
  }
  const waiting = [...lanes.values()]
  const runLanes = async () => {
    for (let lane = waiting.shift(); lane; lane = waiting.shift()) {
      for (const announcement of lane) await announcement.fire()
    }
  }
  await Promise.all(Array.from({ length: Math.min(LANES_AT_ONCE, waiting.length) }, runLanes))
}

export interface Inbound {
  channel: Channel
  event: InboundMessageEvent
}

interface Pending extends Inbound {
  phone: string
  at: DateTime
  contactId?: number
  conversationId?: number
}

/**
 * Rows for `jsonb_to_recordset`: one parameter for a whole batch, whatever its size. Where rows
 * are joined to a table to look them up, arrays and `unnest` instead: the planner then knows how
 * many there are (it assumes a hundred from `jsonb_to_recordset`) when it weighs the index
 * against a hash join over the table.
 */
// (luxon DateTimes serialize as ISO strings with their offset.)
const recordset = (rows: object[]) => JSON.stringify(rows)
const pairKey = (...parts: (string | number)[]) => parts.join(':')

/**
 * How far behind a contact's `last_seen_at` may stay. A returning customer's row is rewritten only
 * when their profile name changed or they were last seen longer ago than this: `last_seen_at` is
 * in many of the CRM's indexes, so moving it makes a new version of the row in every one of them
 * (tens of µs of PostgreSQL per message of a customer who keeps writing); the CRM filters and
 * sorts by it in days.
 */
const LAST_SEEN_STEP = '1 minute'

/**
 * Upserts the senders by phone (one statement, in phone order: the order every batch locks
 * contacts in). Their rows stay locked until commit, even those left as they were, so a batch
 * holding the same customer's messages waits here and then sees what this one stored. Returns
 * phone → id, and the new ones.
 */
async function upsertContacts(trx: TransactionClientContract, pending: Pending[], now: string) {
  const byKey = new Map<string, { workspace_id: number; phone: string; wa_id: string | null; profile_name: string | null; first: DateTime; last: DateTime }>()
  for (const item of pending) {
    const key = pairKey(item.channel.workspaceId, item.phone)
    const row = byKey.get(key)
    if (!row) {
      byKey.set(key, { workspace_id: item.channel.workspaceId, phone: item.phone, wa_id: waIdOf(item.phone), profile_name: item.event.profileName, first: item.at, last: item.at })
    } else {
      // As if applied one after the other: the latest name given wins; first and last seen span them.
      row.profile_name = item.event.profileName ?? row.profile_name
      if (item.at < row.first) row.first = item.at
      if (item.at > row.last) row.last = item.at
    }
  }
  const keys = [...byKey.values()]
  // Each sender's id in the same statement, whether the upsert wrote their row (returned by the
  // insert) or left it as it was (locked all the same, read from the table). Arrays and `unnest`:
  // the planner knows how many there are when it weighs the index for that lookup (while it plans
  // each run: a kept plan of the prepared statement is the index's, right up to a batch's 100).
  const { rows } = await prepared(
    trx.rawQuery(
      `with v as (select * from unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[])
                    as v(workspace_id, phone, wa_id, profile_name, first, last)),
            written as (
              insert into contacts (workspace_id, phone, wa_id, profile_name, first_seen_at, last_seen_at, created_at, updated_at)
              select v.workspace_id, v.phone, v.wa_id, v.profile_name, v.first, v.last, ?, ? from v
               order by v.workspace_id, v.phone
              on conflict (workspace_id, phone) do update
                set profile_name = coalesce(excluded.profile_name, contacts.profile_name),
                    last_seen_at = greatest(contacts.last_seen_at, excluded.last_seen_at),
                    updated_at = excluded.updated_at
                where excluded.profile_name <> contacts.profile_name
                   or (excluded.profile_name is not null and contacts.profile_name is null)
                   or excluded.last_seen_at >= coalesce(contacts.last_seen_at, '-infinity') + interval '${LAST_SEEN_STEP}'
              returning id, workspace_id, phone, (xmax = 0) as inserted)
       select coalesce(w.id, k.id) as id, v.workspace_id, v.phone, coalesce(w.inserted, false) as inserted
         from v
         left join written w on w.workspace_id = v.workspace_id and w.phone = v.phone
         left join contacts k on k.workspace_id = v.workspace_id and k.phone = v.phone`,
      [
        keys.map((key) => key.workspace_id),
        keys.map((key) => key.phone),
        keys.map((key) => key.wa_id),
        keys.map((key) => key.profile_name),
        keys.map((key) => key.first.toISO()!),
        keys.map((key) => key.last.toISO()!),
        now,
        now,
        // (Lucid's binding types leave out arrays holding nulls; pg sends them as SQL nulls.)
      ] as any[]
    ),
    'messaging.upsert_contacts'
  )
  const ids = new Map<string, number>()
  const created = new Set<number>()
  for (const row of rows) {
    if (row.id === null) continue
    ids.set(pairKey(row.workspace_id, row.phone), Number(row.id))
    if (row.inserted) created.add(Number(row.id))
  }
  if (ids.size < byKey.size) {
    // A row left as it was that another batch inserted after this statement began: not in its
    // snapshot, locked all the same. Read now (a new snapshot).
    const { rows: kept } = await trx.rawQuery(
      `select k.id, k.workspace_id, k.phone
         from unnest(?::int[], ?::text[]) as v(workspace_id, phone) join contacts k on k.workspace_id = v.workspace_id and k.phone = v.phone`,
      [keys.map((key) => key.workspace_id), keys.map((key) => key.phone)]
    )
    for (const row of kept) ids.set(pairKey(row.workspace_id, row.phone), Number(row.id))
  }
  return { ids, created }
}

type MessageKey = { workspace_id: number; channel_id: number; provider_message_id: string }
type ConversationKey = { workspace_id: number; contact_id: number; channel_id: number; at: DateTime }
type Found = { id: number; opened: boolean; reopened: boolean }

/**
 * What the batch finds stored, in one statement: the messages among `keys` (per channel:
 * provider id → id) and the latest conversation of each (contact, channel) in `pairs`, which
 * takes the message (pending stays pending, a bot is on it; resolved and snoozed reopen). Run
 * after the contacts' upsert, which locked the senders: a batch holding the same customers'
 * messages has committed by then, and this statement's snapshot sees what it stored.
 */
async function lookUp(trx: TransactionClientContract, keys: MessageKey[], pairs: ConversationKey[]) {
  const { rows } = await prepared(
    trx.rawQuery(
      `select m.id, m.channel_id, m.provider_message_id, null::bigint as contact_id, null::text as status
         from unnest(?::int[], ?::int[], ?::text[]) as v(workspace_id, channel_id, provider_message_id)
         join messages m on m.workspace_id = v.workspace_id and m.channel_id = v.channel_id and m.provider_message_id = v.provider_message_id
       union all
       (select distinct on (c.contact_id, c.channel_id) c.id, c.channel_id, null, c.contact_id, c.status
          from unnest(?::int[], ?::bigint[], ?::int[]) as v(workspace_id, contact_id, channel_id)
          join conversations c on c.workspace_id = v.workspace_id and c.contact_id = v.contact_id and c.channel_id = v.channel_id
         order by c.contact_id, c.channel_id, c.id desc)`,
      [
        keys.map((key) => key.workspace_id),
        keys.map((key) => key.channel_id),
        keys.map((key) => key.provider_message_id),
        pairs.map((pair) => pair.workspace_id),
        pairs.map((pair) => pair.contact_id),
        pairs.map((pair) => pair.channel_id),
      ]
    ),
    'messaging.look_up_inbound'
  )
  const stored = new Map<string, number>()
  const conversations = new Map<string, Found>()
  for (const row of rows) {
    if (row.contact_id === null) {
      stored.set(pairKey(row.channel_id, row.provider_message_id), Number(row.id))
    } else {
      const reopened = row.status === 'resolved' || row.status === 'snoozed'
      conversations.set(pairKey(row.contact_id, row.channel_id), { id: Number(row.id), opened: reopened, reopened })
    }
  }
  return { stored, conversations }
}

/** New open conversations for the (contact, channel) pairs that have none; added to `conversations`. */
async function openConversations(trx: TransactionClientContract, missing: ConversationKey[], conversations: Map<string, Found>, now: string) {
  if (!missing.length) return
  const { rows: created } = await trx.rawQuery(
    `insert into conversations (workspace_id, contact_id, channel_id, status, last_activity_at, unread_count, created_at, updated_at)
     select v.workspace_id, v.contact_id, v.channel_id, 'open', v.at, 0, ?, ?
       from jsonb_to_recordset(?::jsonb) as v(workspace_id int, contact_id bigint, channel_id int, at timestamptz)
     returning id, contact_id, channel_id`,
    [now, now, recordset(missing)]
  )
  for (const row of created) conversations.set(pairKey(row.contact_id, row.channel_id), { id: Number(row.id), opened: true, reopened: false })
}

/** A statement of the caller's for the same transaction (see `storeInbound`). */
export type Alongside = { sql: string; bindings: StrictValues[] }

/**
 * Stores a batch's inbound messages in a handful of statements, whatever their number: contacts
 * upserted with their profile names, each message once (provider ids already stored, or twice
 * in the batch, are skipped), replies and reactions linked to their message, conversations
 * opened or reopened with their unread count, last activity and 24-hour window moved forward.
 * `alongside` (the events' mark) runs in the messages' INSERT, as a data-modifying CTE (a round
 * trip less before the commit the customer's bot waits for), or alone when nothing is inserted.
 * Returns what to announce once the transaction committed.
 */
export async function storeInbound(trx: TransactionClientContract, batch: Inbound[], alongside?: Alongside): Promise<Announcement[]> {
  const alone = async () => {
    if (alongside) await trx.rawQuery(alongside.sql, alongside.bindings)
    return []
  }
  const seen = new Set<string>()
  const pending: Pending[] = []
  for (const item of batch) {
    const phone = toE164(item.event.from)
    const key = pairKey(item.channel.id, item.event.providerMessageId)
    if (!phone || seen.has(key)) continue
    seen.add(key)
    pending.push({ ...item, phone, at: DateTime.fromJSDate(item.event.timestamp) })
  }
  if (!pending.length) return alone()
  const now = DateTime.now().toISO()!

  const contacts = await upsertContacts(trx, pending, now)
  for (const item of pending) item.contactId = contacts.ids.get(pairKey(item.channel.workspaceId, item.phone))

  // Replies quote through context; reactions point at the message they react to (maybe in this batch).
  const targetOf = (item: Pending) => (item.event.type === 'reaction' ? item.event.content.message_id : item.event.replyToProviderId)
  const messageKey = (item: Pending, providerMessageId: string): MessageKey => ({ workspace_id: item.channel.workspaceId, channel_id: item.channel.id, provider_message_id: providerMessageId })
  const pairs = new Map<string, ConversationKey>()
  for (const item of pending) {
    const key = pairKey(item.contactId!, item.channel.id)
    if (!pairs.has(key)) pairs.set(key, { workspace_id: item.channel.workspaceId, contact_id: item.contactId!, channel_id: item.channel.id, at: item.at })
  }
  // The messages and what they point at, and the conversations: one round trip. Those of
  // messages stored already are looked up for nothing (rare: a webhook Meta sent again).
  const { stored, conversations } = await lookUp(
    trx,
    [
      ...pending.map((item) => messageKey(item, item.event.providerMessageId)),
      ...pending.flatMap((item) => (typeof targetOf(item) === 'string' ? [messageKey(item, targetOf(item) as string)] : [])),
    ],
    [...pairs.values()]
  )
  const fresh = pending.filter((item) => !stored.has(pairKey(item.channel.id, item.event.providerMessageId)))
  if (!fresh.length) return alone()

  const missing = new Map(fresh.map((item) => [pairKey(item.contactId!, item.channel.id), item]))
  for (const key of conversations.keys()) missing.delete(key)
  await openConversations(trx, [...missing.keys()].map((key) => pairs.get(key)!), conversations, now)
  for (const item of fresh) item.conversationId = conversations.get(pairKey(item.contactId!, item.channel.id))!.id

  // Each conversation once: its new messages counted, activity and window moved forward, reopened.
  const touched = new Map<number, { id: number; count: number; at: DateTime; window: DateTime; reopen: boolean }>()
  for (const item of fresh) {
    const conversation = conversations.get(pairKey(item.contactId!, item.channel.id))!
    const window = item.at.plus({ hours: WINDOW_HOURS })
    const row = touched.get(conversation.id) ?? { id: conversation.id, count: 0, at: item.at, window, reopen: conversation.reopened }
    row.count++
    if (item.at > row.at) row.at = item.at
    if (window > row.window) row.window = window
    touched.set(conversation.id, row)
  }
  const rows = [...touched.values()]
  // The messages, their conversations' update and `alongside` in one statement (a data-modifying
  // CTE runs whether or not the INSERT reads it). The update locks the conversations in id order;
  // the INSERT locks no existing row (its foreign key checks share the locks the update holds).
  const { rows: inserted } = await prepared(
    trx.rawQuery(
      `with touched as (
         update conversations c
            set status = case when v.reopen then 'open' else c.status end,
                snoozed_until = case when v.reopen then null else c.snoozed_until end,
                last_activity_at = greatest(c.last_activity_at, v.at),
                unread_count = c.unread_count + v.count,
                window_expires_at = greatest(coalesce(c.window_expires_at, v.window), v.window),
                updated_at = ?
           from (select * from unnest(?::bigint[], ?::int[], ?::timestamptz[], ?::timestamptz[], ?::boolean[]) as r(id, count, at, "window", reopen) order by id) as v
          where c.id = v.id)${alongside ? `, alongside as (${alongside.sql})` : ''}
       insert into messages (workspace_id, conversation_id, channel_id, direction, type, content, provider_message_id, status, reply_to_id, author_type, author_id, created_at, updated_at)
       select v.workspace_id, v.conversation_id, v.channel_id, 'inbound', v.type, v.content, v.provider_message_id, 'received', v.reply_to_id, 'contact', v.author_id, v.at, ?
         from jsonb_to_recordset(?::jsonb) as v(workspace_id int, conversation_id bigint, channel_id int, type text, content jsonb, provider_message_id text, reply_to_id bigint, author_id text, at timestamptz)
       returning id, channel_id, provider_message_id`,
      [
        now,
        rows.map((row) => row.id),
        rows.map((row) => row.count),
        rows.map((row) => row.at.toISO()!),
        rows.map((row) => row.window.toISO()!),
        rows.map((row) => row.reopen),
        ...(alongside?.bindings ?? []),
        now,
        recordset(
          fresh.map((item) => ({
            workspace_id: item.channel.workspaceId,
            conversation_id: item.conversationId,
            channel_id: item.channel.id,
            type: item.event.type,
            content: item.event.content,
            provider_message_id: item.event.providerMessageId,
            reply_to_id: typeof targetOf(item) === 'string' ? (stored.get(pairKey(item.channel.id, targetOf(item) as string)) ?? null) : null,
            author_id: String(item.contactId),
            at: item.at,
          }))
        ),
      ]
    ),
    'messaging.store_inbound'
  )
  const messageIds = new Map<string, number>(inserted.map((row: any) => [pairKey(row.channel_id, row.provider_message_id), Number(row.id)]))

  // A reply to a message that arrived in this same batch: linked now that both have ids.
  const sameBatch = fresh.filter((item) => {
    const target = targetOf(item)
    return typeof target === 'string' && !stored.has(pairKey(item.channel.id, target)) && messageIds.has(pairKey(item.channel.id, target))
  })
  if (sameBatch.length) {
    await trx.rawQuery(
      `update messages m set reply_to_id = v.reply_to_id from jsonb_to_recordset(?::jsonb) as v(id bigint, reply_to_id bigint) where m.id = v.id`,
      [
        recordset(
          sameBatch.map((item) => ({
            id: messageIds.get(pairKey(item.channel.id, item.event.providerMessageId)),
            reply_to_id: messageIds.get(pairKey(item.channel.id, targetOf(item) as string)),
          }))
        ),
      ]
    )
  }

  const announce: Announcement[] = []
  const announcedContacts = new Set<number>()
  const announcedConversations = new Set<number>()
  for (const item of fresh) {
    const workspaceId = item.channel.workspaceId
    const contactId = item.contactId!
    const conversation = conversations.get(pairKey(contactId, item.channel.id))!
    const messageId = messageIds.get(pairKey(item.channel.id, item.event.providerMessageId))!
    const ids = { workspaceId, conversationId: conversation.id, contactId, channelId: item.channel.id }
    // The message that created the contact (a batch may hold several of theirs).
    const firstMessage = contacts.created.has(contactId) && !announcedContacts.has(contactId)
    if (firstMessage) {
      announcedContacts.add(contactId)
      announce.push({ conversationId: conversation.id, fire: () => hooks.emit('contact.created', { workspaceId, contactId, phone: item.phone, source: 'inbound' }) })
    }
    // A new conversation, or one reopened from snoozed / resolved.
    if (conversation.opened && !announcedConversations.has(conversation.id)) {
      announcedConversations.add(conversation.id)
      announce.push({ conversationId: conversation.id, fire: () => hooks.emit('conversation.opened', { ...ids, reopened: conversation.reopened }) })
    }
    announce.push({
      conversationId: conversation.id,
      fire: async () => {
        await hooks.ask('message.claim', { ...ids, messageId, type: item.event.type, content: item.event.content, firstMessage })
        const text = item.event.type === 'text' ? String((item.event.content as { body?: unknown }).body ?? '') : null
        await hooks.emit('message.received', { ...ids, messageId, type: item.event.type, text })
      },
    })
    if ((MEDIA_TYPES as readonly string[]).includes(item.event.type)) {
      announce.push({ conversationId: conversation.id, fire: () => jobs.dispatch(fetchMedia, { workspaceId, messageId }, { jobId: `media-${messageId}`, removeOnComplete: true }) })
    }
  }
  return announce
}
