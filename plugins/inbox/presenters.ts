import { DateTime } from 'luxon'
import type { I18n } from '@adonisjs/i18n'
import type { HttpContext } from '@adonisjs/core/http'
import { STATUS_ORDER, type default as Message } from '#messaging/models/message'
import type Media from '#messaging/models/media'
import type MessageTemplate from '#messaging/models/message_template'
import { signedMediaUrl } from '#messaging/services/media_links'
import type Note from '#inbox/models/note'
import { linkify, noteHtml } from '#inbox/services/rich_text'
import { formatDate, type DateStyle } from '#ui/dates'

/**
 * What the inbox's views render, computed here so that the templates stay simple and every
 * piece of customer text reaches the page escaped (by Edge, or by `linkify` for `html`).
 * A message's content is the Cloud API's object of its type, inbound and outbound
 * (docs/architecture.md, "One content format").
 */

/** The reader's language and the workspace's time zone. */
export interface Display {
  i18n: I18n
  timezone: string
}

export function displayOf(ctx: HttpContext): Display {
  return { i18n: ctx.i18n, timezone: ctx.tenant.workspace.timezone || 'UTC' }
}

type Content = Record<string, any>

const str = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null)

function format(at: DateTime | Date, style: DateStyle, { i18n, timezone }: Display) {
  return formatDate(at instanceof Date ? at : at.toJSDate(), style, i18n.locale, timezone)
}

const today = (at: DateTime | Date, display: Display) => format(at, 'day', display) === format(new Date(), 'day', display)

/** "14:05" today, a short date before. */
export function listTime(at: DateTime | Date, display: Display) {
  return format(at, today(at, display) ? 'time' : 'date', display)
}

/** "14:05" today, date and time before. */
export function messageTime(at: DateTime, display: Display) {
  return format(at, today(at, display) ? 'time' : 'dateTime', display)
}

/** A full date and time, for titles and the contact panel. */
export function fullTime(at: DateTime | null, display: Display) {
  return at ? format(at, 'full', display) : null
}

/** The one line a message reads as in the list and in a quote. */
export function previewOf(type: string, content: Content | null, i18n: I18n): string {
  const c = content ?? {}
  const labelled = (key: string, detail: string | null) => [i18n.t(`inbox.preview.${key}`), detail].filter(Boolean).join(': ')
  switch (type) {
    case 'text':
      return String(c.body ?? '')
    case 'image':
    case 'video':
    case 'audio':
    case 'sticker':
      return labelled(type, str(c.caption))
    case 'document':
      return labelled(type, str(c.caption) ?? str(c.filename))
    case 'location':
      return labelled(type, str(c.name) ?? str(c.address))
    case 'contacts':
      return labelled(type, (Array.isArray(content) ? content : []).map((card: Content) => card?.name?.formatted_name).filter(Boolean).join(', ') || null)
    case 'interactive':
      return str(c.body?.text) ?? str(c.button_reply?.title) ?? str(c.list_reply?.title) ?? i18n.t('inbox.preview.interactive')
    case 'button':
      return str(c.text) ?? i18n.t('inbox.preview.interactive')
    case 'template':
      return labelled(type, str(c.name))
    case 'reaction':
      return c.emoji ? i18n.t('inbox.preview.reaction', { emoji: c.emoji }) : i18n.t('inbox.preview.reaction_removed')
    default:
      return i18n.t('inbox.preview.unsupported')
  }
}

/** Which partial in views/partials/messages renders a message's body. */
const KINDS: Record<string, string> = {
  text: 'text',
  image: 'image',
  sticker: 'image',
  video: 'video',
  audio: 'audio',
  document: 'document',
  location: 'location',
  contacts: 'contacts',
  interactive: 'interactive',
  button: 'interactive',
  template: 'template',
  reaction: 'reaction',
}

export interface MessageView {
  id: number
  outbound: boolean
  type: string
  kind: string
  /** The message in one line (for "replying to"). */
  preview: string
  time: string
  at: string
  /** Its time in ms: live.js places notes among messages by it. */
  atMs: number
  /** Outbound only: queued, sent, delivered, read or failed. */
  tick: string | null
  /** How far its status has moved (messaging's order): a live copy never replaces a further one. */
  rank: number
  errorReason: string | null
  author: string | null
  /** Text or caption as safe HTML (escaped, links clickable). */
  html: string | null
  media: { url: string | null; filename: string | null; size: number | null; mime: string | null } | null
  location: { name: string | null; address: string | null; url: string } | null
  contacts: { name: string; phones: string[] }[]
  interactive: { header: string | null; body: string | null; footer: string | null; options: string[]; reply: string | null } | null
  template: { name: string; language: string | null; header: string | null; body: string | null; footer: string | null; buttons: string[] } | null
  /** For a reaction shown on its own line (its message is not on the page). */
  reaction: { emoji: string | null; target: string | null } | null
  /** Emoji others put on this message, latest per side. */
  reactions: string[]
  quoted: { id: number; outbound: boolean; preview: string } | null
  system: string | null
}

/** What the views need besides the messages themselves, loaded in bulk (services/thread.ts). */
export interface Related {
  media: Map<number, Media>
  templates: Map<string, MessageTemplate>
  quoted: Map<number, Message>
  authors: Map<string, string>
  reactions: Map<number, string[]>
}

export const templateKey = (name: string, language: string) => `${name}|${language}`

/** Our media row a message's file is in: inbound once fetched (`media_id`), outbound by `mediaId`. */
export const mediaIdOf = (content: Content | null) => Number(content?.media_id ?? content?.mediaId) || null

function mediaOf(message: Message, related: Related): MessageView['media'] {
  const c = message.content as Content
  const media = related.media.get(mediaIdOf(c) ?? 0)
  const link = typeof c.link === 'string' && /^https?:\/\//i.test(c.link) ? c.link : null
  return {
    url: media ? signedMediaUrl(media) : link,
    filename: str(c.filename) ?? media?.filename ?? null,
    size: media?.size ?? null,
    mime: media?.mime ?? str(c.mime_type),
  }
}

function locationOf(c: Content): MessageView['location'] {
  const lat = Number(c.latitude)
  const lon = Number(c.longitude)
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return null
  return { name: str(c.name), address: str(c.address), url: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}` }
}

function interactiveOf(c: Content): MessageView['interactive'] {
  const buttons = (c.action?.buttons ?? []).map((button: Content) => str(button?.reply?.title)).filter(Boolean)
  const rows = (c.action?.sections ?? []).flatMap((section: Content) => (section?.rows ?? []).map((row: Content) => str(row?.title))).filter(Boolean)
  return {
    header: str(c.header?.text),
    body: str(c.body?.text),
    footer: str(c.footer?.text),
    options: [...buttons, ...(rows.length && str(c.action?.button) ? [`☰ ${c.action.button}`] : []), ...rows],
    // A customer's answer: a button or list row they picked, or a template's quick reply.
    reply: str(c.button_reply?.title) ?? str(c.list_reply?.title) ?? str(c.text),
  }
}

function templateOf(message: Message, related: Related): MessageView['template'] {
  const c = message.content as Content
  const language = str(c.language?.code)
  const template = language ? related.templates.get(templateKey(String(c.name), language)) : undefined
  const texts = (type: string) =>
    ((c.components ?? []).find((component: Content) => component?.type === type)?.parameters ?? []).map((p: Content) => String(p?.text ?? p?.payload ?? ''))
  const preview = template?.preview({ header: texts('header'), body: texts('body') })
  return { name: String(c.name ?? ''), language, header: preview?.header ?? null, body: preview?.body ?? null, footer: preview?.footer ?? null, buttons: preview?.buttons ?? [] }
}

export function presentMessage(message: Message, related: Related, display: Display): MessageView {
  const c = (message.content ?? {}) as Content
  const outbound = message.direction === 'outbound'
  const quotedMessage = message.type !== 'reaction' && message.replyToId ? related.quoted.get(message.replyToId) : undefined
  const reactionTarget = message.type === 'reaction' ? related.quoted.get(message.replyToId ?? Number(c.messageId)) : undefined
  const text = message.type === 'text' ? str(c.body) : str(c.caption)
  return {
    id: message.id,
    outbound,
    type: message.type,
    kind: KINDS[message.type] ?? 'system',
    preview: previewOf(message.type, c, display.i18n),
    time: messageTime(message.createdAt, display),
    at: message.createdAt.toISO()!,
    atMs: message.createdAt.toMillis(),
    tick: outbound ? message.status : null,
    rank: STATUS_ORDER[message.status] ?? 0,
    errorReason: message.errorReason,
    author: outbound && message.authorId ? (related.authors.get(message.authorId) ?? null) : null,
    html: text ? linkify(text) : null,
    media: ['image', 'sticker', 'video', 'audio', 'document'].includes(message.type) ? mediaOf(message, related) : null,
    location: message.type === 'location' ? locationOf(c) : null,
    contacts: message.type === 'contacts' && Array.isArray(c)
      ? c.map((card: Content) => ({ name: String(card?.name?.formatted_name ?? ''), phones: (card?.phones ?? []).map((p: Content) => String(p?.phone ?? '')).filter(Boolean) }))
      : [],
    interactive: ['interactive', 'button'].includes(message.type) ? interactiveOf(c) : null,
    template: message.type === 'template' ? templateOf(message, related) : null,
    reaction: message.type === 'reaction'
      ? { emoji: str(c.emoji), target: reactionTarget ? previewOf(reactionTarget.type, reactionTarget.content, display.i18n) : null }
      : null,
    reactions: related.reactions.get(message.id) ?? [],
    quoted: quotedMessage
      ? { id: quotedMessage.id, outbound: quotedMessage.direction === 'outbound', preview: previewOf(quotedMessage.type, quotedMessage.content, display.i18n) }
      : null,
    // What WhatsApp called it ("order", "unsupported"): messaging stores unknown types as system.
    system: KINDS[message.type] ? null : String(c.kind ?? message.type),
  }
}

/** A row of the conversation list (services/conversation_list.ts). */
export interface ConversationRow {
  id: number
  status: string
  unread_count: number
  last_activity_at: Date
  snoozed_until: Date | null
  assignee_id: number | null
  assignee_name: string | null
  team_name: string | null
  channel_id: number
  name: string | null
  profile_name: string | null
  phone: string
  last_type: string | null
  last_content: Content | null
  last_direction: string | null
  last_status: string | null
  /** last_activity_at in µs (a bigint, as a string): the list's order, with the id. */
  activity_us: string
}

export function presentConversationRow(row: ConversationRow, display: Display) {
  return {
    id: row.id,
    status: row.status,
    unread: row.unread_count,
    name: row.name ?? row.profile_name ?? row.phone,
    phone: row.phone,
    assignee: row.assignee_name,
    assigneeId: row.assignee_id,
    team: row.team_name,
    channelId: row.channel_id,
    time: listTime(row.last_activity_at, display),
    at: row.last_activity_at.toISOString(),
    position: `${row.activity_us}-${row.id}`,
    preview: row.last_type ? previewOf(row.last_type, row.last_content, display.i18n) : '',
    outbound: row.last_direction === 'outbound',
    tick: row.last_direction === 'outbound' ? row.last_status : null,
  }
}

/** An internal note as the thread shows it. */
export interface NoteView {
  kind: 'note'
  id: number
  /** The author's name (null once their account is gone). */
  author: string | null
  /** The text as safe HTML: escaped, links clickable, mentions marked. */
  html: string
  time: string
  at: string
  /** When it was written, in ms: live.js places notes and messages among each other by it. */
  atMs: number
  conversationId: number
  authorId: number | null
  edited: boolean
  /** Its last edit in ms (0: never): live.js never shows an older version over a newer one. */
  version: number
}

export function presentNote(note: Note, author: string | null, display: Display): NoteView {
  return {
    kind: 'note',
    id: note.id,
    author,
    html: noteHtml(note.body, note.mentions),
    time: messageTime(note.createdAt, display),
    at: note.createdAt.toISO()!,
    atMs: note.createdAt.toMillis(),
    conversationId: note.conversationId,
    authorId: note.authorId,
    edited: !!note.editedAt,
    version: note.editedAt?.toMillis() ?? 0,
  }
}
