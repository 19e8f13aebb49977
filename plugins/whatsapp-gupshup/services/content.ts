/**
 * The Cloud API's content objects (the kernel's one format) ⇄ Gupshup's v1 message objects, both
 * ways, and Gupshup's listed templates as Cloud API components.
 */
import { randomUUID } from 'node:crypto'
import {
  ProviderError,
  type InboundMessageEvent,
  type OutboundMessage,
  type TemplateDefinition,
} from '#messaging/services/channel_provider'
import type { MessageType } from '#messaging/models/message'

export type Json = Record<string, any>

export const isObject = (value: unknown): value is Json => !!value && typeof value === 'object' && !Array.isArray(value)
export const list = (value: unknown): any[] => (Array.isArray(value) ? value : [])

/** Gupshup fetches media itself: it takes a link, never a Meta media id (features.mediaUpload is false). */
function linkOf(media: unknown, what: string): string {
  if (isObject(media) && typeof media.link === 'string' && media.link) return media.link
  throw new ProviderError('invalid', null, `Gupshup sends ${what} by link, not by media id`)
}

/** Gupshup spells contact cards in camelCase (firstName, countryCode) but keeps wa_id; Meta in snake_case. */
const camelKey = (key: string) => (key === 'wa_id' ? key : key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()))
const snakeKey = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)

function renameKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, rename))
  if (!isObject(value)) return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [rename(key), renameKeys(item, rename)]))
}

/* ----------------------------------------------------------------- outbound */

/** A quick-reply message's header: text, or the image / video / document it leads with. */
function quickReplyHeader(header: unknown): Json {
  if (!isObject(header) || header.type === 'text') return { type: 'text', header: isObject(header) ? header.text : undefined }
  const media = header[header.type]
  if (header.type === 'document') return { type: 'file', url: linkOf(media, 'documents'), filename: media.filename }
  return { type: header.type, url: linkOf(media, `${header.type} headers`) }
}

function interactiveBody(content: Json): Json {
  // Gupshup requires a msgid; nothing reads it back (the options' postbackText carry Meta's ids).
  if (content.type === 'button') {
    return {
      type: 'quick_reply',
      msgid: randomUUID(),
      content: { ...quickReplyHeader(content.header), text: content.body?.text, caption: content.footer?.text },
      // The button's id comes back as postbackText when the customer taps it.
      options: list(content.action?.buttons).map((button) => ({ type: 'text', title: button?.reply?.title, postbackText: button?.reply?.id })),
    }
  }
  if (content.type === 'list') {
    // Gupshup's list has no footer: Meta's is dropped.
    return {
      type: 'list',
      title: content.header?.text,
      body: content.body?.text,
      msgid: randomUUID(),
      globalButtons: [{ type: 'text', title: content.action?.button }],
      items: list(content.action?.sections).map((section) => ({
        title: section?.title,
        subtitle: section?.title,
        options: list(section?.rows).map((row) => ({ type: 'text', title: row?.title, description: row?.description, postbackText: row?.id })),
      })),
    }
  }
  throw new ProviderError('unsupported', null, `Gupshup cannot send "${content.type}" interactive messages`)
}

function sessionBody(type: MessageType, content: Json): Json {
  switch (type) {
    case 'text':
      return { type: 'text', text: content.body }
    case 'image': {
      const link = linkOf(content, 'images')
      return { type: 'image', originalUrl: link, previewUrl: link, caption: content.caption }
    }
    case 'video':
    case 'audio':
    case 'sticker':
      return { type, url: linkOf(content, `${type}s`), caption: content.caption }
    case 'document':
      return { type: 'file', url: linkOf(content, 'documents'), filename: content.filename, caption: content.caption }
    case 'location':
      return { type: 'location', latitude: content.latitude, longitude: content.longitude, name: content.name, address: content.address }
    case 'contacts': {
      // Meta sends an array of cards; Gupshup's v1 message holds one.
      const cards = Array.isArray(content) ? content : [content]
      if (cards.length !== 1) throw new ProviderError('invalid', null, 'Gupshup sends one contact card per message')
      return { type: 'contact', contact: renameKeys(cards[0], camelKey) }
    }
    case 'interactive':
      return interactiveBody(content)
    case 'reaction':
      return { type: 'reaction', msgId: content.message_id, emoji: content.emoji }
    default:
      throw new ProviderError('unsupported', null, `Gupshup cannot send "${type}" messages`)
  }
}

/** The `message` form field of POST /wa/api/v1/msg (every type but templates). */
export function gupshupMessage(message: OutboundMessage): Json {
  const body = sessionBody(message.type, message.content as Json)
  // Gupshup takes the quoted message inside the message object, not as a form field.
  return message.replyToProviderId ? { ...body, context: { msgId: message.replyToProviderId } } : body
}

const COMPONENT_ORDER = new Map<unknown, number>([['header', 0], ['body', 1], ['button', 2]])
const rank = (component: Json) => COMPONENT_ORDER.get(String(component.type).toLowerCase()) ?? 3
const TEMPLATE_HEADER_MEDIA = new Set(['image', 'video', 'document'])

/**
 * The form fields of POST /wa/api/v1/template/msg. Gupshup sends by its own template id and takes
 * the parameters positionally "in the order of occurrence": header text, body, then URL-button
 * suffixes; quick-reply payloads become postbackTexts; a media or location header is `message`.
 */
export function gupshupTemplate(content: Json) {
  const id = content.provider_template_id
  if (typeof id !== 'string' || !id) throw new ProviderError('template', null, 'template not synced')
  const params: string[] = []
  const postbackTexts: { index: number; text: string }[] = []
  let message: Json | undefined
  const components = list(content.components)
    .filter(isObject)
    .sort((a, b) => rank(a) - rank(b) || Number(a.index ?? 0) - Number(b.index ?? 0))
  for (const component of components) {
    for (const parameter of list(component.parameters).filter(isObject)) {
      if (parameter.type === 'text') params.push(String(parameter.text ?? ''))
      else if (parameter.type === 'currency' || parameter.type === 'date_time') params.push(String(parameter[parameter.type]?.fallback_value ?? ''))
      else if (parameter.type === 'payload') postbackTexts.push({ index: Number(component.index), text: String(parameter.payload ?? '') })
      else if (parameter.type === 'location') message = { type: 'location', location: parameter.location }
      else if (TEMPLATE_HEADER_MEDIA.has(parameter.type)) {
        const media = parameter[parameter.type]
        message = { type: parameter.type, [parameter.type]: { link: linkOf(media, 'template headers'), filename: media.filename } }
      }
    }
  }
  return { template: { id, params }, message, postbackTexts: postbackTexts.length ? postbackTexts : undefined }
}

/* ------------------------------------------------------------------ inbound */

const INBOUND_MEDIA = new Map<string, MessageType>([['image', 'image'], ['video', 'video'], ['audio', 'audio'], ['sticker', 'sticker'], ['file', 'document']])
const REPLIES = new Set(['button_reply', 'quick_reply', 'list_reply'])

/**
 * A v2 callback's message (`payload.type`, `payload.payload`) as the Cloud API's content. Replies:
 * an interactive button → `interactive.button_reply`, a list row → `interactive.list_reply` (the id
 * is the postbackText we sent, i.e. Meta's row / button id); a template's quick-reply button
 * (`{text, type:'button'}`) → Meta's `button` message `{payload, text}`, as Meta itself reports it.
 */
export function inboundContent(type: string, payload: unknown): Pick<InboundMessageEvent, 'type' | 'content'> {
  const inner = isObject(payload) ? payload : {}
  // Some callbacks name the reply inside ("interactive" outside, "button_reply" inside).
  const kind = !REPLIES.has(type) && REPLIES.has(inner.type) ? inner.type : type
  if (kind === 'text') return { type: 'text', content: { body: inner.text } }
  const media = INBOUND_MEDIA.get(kind)
  if (media) {
    return {
      type: media,
      content: {
        link: inner.url,
        mime_type: inner.contentType ?? inner['content-type'],
        caption: inner.caption,
        ...(kind === 'file' ? { filename: inner.name } : {}),
      },
    }
  }
  if (kind === 'location') {
    return {
      type: 'location',
      content: { latitude: Number(inner.latitude), longitude: Number(inner.longitude), name: inner.name, address: inner.address, url: inner.url },
    }
  }
  // Meta's contacts content is the array of cards.
  if (kind === 'contact' || kind === 'contacts') return { type: 'contacts', content: renameKeys(list(inner.contacts), snakeKey) as Json }
  if (kind === 'list_reply') {
    return {
      type: 'interactive',
      content: { type: 'list_reply', list_reply: { id: String(inner.postbackText ?? inner.id ?? ''), title: inner.title, description: inner.description } },
    }
  }
  if (kind === 'button_reply' || kind === 'quick_reply') {
    if (inner.type === 'button' || (inner.title === undefined && inner.text !== undefined)) {
      return { type: 'button', content: { payload: String(inner.postbackText ?? inner.text ?? ''), text: inner.text } }
    }
    return { type: 'interactive', content: { type: 'button_reply', button_reply: { id: String(inner.postbackText ?? inner.id ?? ''), title: inner.title } } }
  }
  // What the kernel cannot show (reactions, orders, ...) is kept as a system note, like Meta's parser does.
  return { type: 'system', content: { kind: type, ...inner } }
}

/* ---------------------------------------------------------------- templates */

const MEDIA_HEADER_FORMATS = new Set(['IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'])

function parseJson(text: unknown): Json {
  if (isObject(text)) return text
  try {
    const value = typeof text === 'string' ? JSON.parse(text) : null
    return isObject(value) ? value : {}
  } catch {
    return {}
  }
}

/**
 * A template as Gupshup lists it → the kernel's TemplateDefinition with Cloud API components. The
 * body keeps its {{n}} placeholders. `containerMeta` (a JSON string) holds the parts separately;
 * the top-level `data` is the whole text, used only when containerMeta is missing.
 */
export function templateDefinition(raw: Json): TemplateDefinition {
  const meta = parseJson(raw.containerMeta)
  const components: Json[] = []
  const format = String(raw.templateType ?? '').toUpperCase()
  if (MEDIA_HEADER_FORMATS.has(format)) components.push({ type: 'HEADER', format })
  else if (typeof meta.header === 'string' && meta.header) components.push({ type: 'HEADER', format: 'TEXT', text: meta.header })
  components.push({ type: 'BODY', text: String(meta.data ?? raw.data ?? '') })
  if (typeof meta.footer === 'string' && meta.footer) components.push({ type: 'FOOTER', text: meta.footer })
  // Gupshup's buttons are already Meta's: {type: QUICK_REPLY | URL | PHONE_NUMBER, text, url?, phone_number?}.
  if (list(meta.buttons).length) components.push({ type: 'BUTTONS', buttons: meta.buttons })
  return {
    providerTemplateId: String(raw.id),
    name: String(raw.elementName),
    language: String(raw.languageCode ?? 'en_US'),
    category: raw.category ? String(raw.category) : null,
    status: String(raw.status ?? '').toUpperCase(),
    components,
  }
}
