/**
 * A customer's message as each provider delivers it: Meta's envelope (cloud, 360dialog) or
 * Gupshup's v2 callback. Media become stored blobs the business can download.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js'
import { ApiError } from './errors.js'
import { sampleMedia, type MediaBlob, type MediaStore } from './media.js'
import type { Random } from './random.js'
import type { InboundInput, InboundType, NumberInfo, ReceivedRequest } from './types.js'
import { isObject, recipient, requiredText, type Json } from './validate.js'
import { gupshupEnvelope, metaEnvelope } from './webhooks.js'

export interface InboundDeps {
  random: Random
  media: MediaStore
  baseUrl: string
  /** The business message a context or reaction id names (by id or wamid). */
  findSent(phoneNumberId: string, id: string): ReceivedRequest | undefined
}

export interface BuiltInbound {
  id: string
  from: string
  name: string
  media: MediaBlob | null
  payload: Json
}

const TYPES: InboundType[] = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'unsupported',
  'opt-in',
  'opt-out',
]
const MEDIA = ['image', 'video', 'audio', 'document', 'sticker']

const SAMPLE_CONTACT = {
  name: { formatted_name: 'Ana Lima', first_name: 'Ana', last_name: 'Lima' },
  phones: [{ phone: '+1 555 010 0199', wa_id: '15550100199', type: 'CELL' }],
}

/** The fields a type needs, present (a bad injection is the test's mistake: 100). */
function checkInput(input: InboundInput, mode: string) {
  if (!TYPES.includes(input.type)) throw new ApiError(100, `type must be one of ${TYPES.join(', ')}`)
  if ((input.type === 'opt-in' || input.type === 'opt-out') && mode !== 'gupshup') {
    throw new ApiError(100, 'opt-in and opt-out are Gupshup user-events; this number is not in gupshup mode')
  }
  if (input.type === 'text') requiredText(input.text, 'text', 4096)
  const needs: Partial<Record<InboundType, unknown>> = {
    location: input.location,
    interactive: input.interactive,
    button: input.button,
    reaction: input.reaction,
  }
  if (input.type in needs && !isObject(needs[input.type])) throw new ApiError(131008, `A ${input.type} message needs "${input.type}"`)
}

function storeMedia(deps: InboundDeps, number: NumberInfo, input: InboundInput) {
  if (!MEDIA.includes(input.type)) return null
  const sample = sampleMedia(input.type, deps.random)
  const given = input.media
  const data = given?.data === undefined ? sample.data : typeof given.data === 'string' ? Buffer.from(given.data, 'base64') : Buffer.from(given.data)
  return deps.media.store(number.phoneNumberId, given?.mimeType ?? sample.mimeType, data, given?.filename ?? sample.filename)
}

export function buildInbound(deps: InboundDeps, number: NumberInfo, input: InboundInput): BuiltInbound {
  checkInput(input, number.mode)
  const from = recipient(input.from, 'from')
  const name = input.name ?? `User ${from.slice(-4)}`
  const id = deps.random.wamid(from)
  const media = storeMedia(deps, number, input)
  const quoted = input.context?.id ? deps.findSent(number.phoneNumberId, input.context.id) : undefined
  const reactedTo = input.reaction ? deps.findSent(number.phoneNumberId, input.reaction.messageId) : undefined
  const parts = { deps, number, input, from, name, id, media, quoted, reactedTo }
  const payload = number.mode === 'gupshup' ? gupshupInbound(parts) : metaInbound(parts)
  return { id, from, name, media, payload }
}

interface Parts {
  deps: InboundDeps
  number: NumberInfo
  input: InboundInput
  from: string
  name: string
  id: string
  media: MediaBlob | null
  quoted: ReceivedRequest | undefined
  reactedTo: ReceivedRequest | undefined
}

function metaInbound({ number, input, from, name, id, media, quoted, reactedTo }: Parts) {
  const type = input.type
  const message: Json = { from, id, timestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)), type }
  if (input.context?.forwarded) message.context = { forwarded: true }
  else if (input.context?.id) message.context = { from: number.displayPhone, id: quoted?.wamid ?? input.context.id }

  if (media) {
    message[type] = {
      ...(input.caption && ['image', 'video', 'document'].includes(type) ? { caption: input.caption } : {}),
      ...(type === 'document' ? { filename: media.filename ?? 'document' } : {}),
      mime_type: media.mimeType,
      // Webhooks carry the hash in base64; the media endpoint answers it in hex.
      sha256: Buffer.from(media.sha256, 'hex').toString('base64'),
      id: media.id,
      ...(type === 'audio' ? { voice: input.media?.voice ?? false } : {}),
      ...(type === 'sticker' ? { animated: false } : {}),
    }
  } else if (type === 'text') message.text = { body: input.text }
  else if (type === 'location') message.location = { ...input.location }
  else if (type === 'contacts') message.contacts = input.contacts ?? [SAMPLE_CONTACT]
  else if (type === 'interactive') {
    const reply = input.interactive!
    const { type: kind, ...fields } = reply
    message.interactive = { type: kind, [kind]: fields }
  } else if (type === 'button') message.button = { payload: input.button!.payload, text: input.button!.text }
  else if (type === 'reaction') message.reaction = { message_id: reactedTo?.wamid ?? input.reaction!.messageId, emoji: input.reaction!.emoji }
  else if (type === 'unsupported') {
    message.errors = [
      { code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } },
    ]
  }
  return metaEnvelope(number, { contacts: [{ profile: { name }, wa_id: from }], messages: [message] })
}

const GUPSHUP_TYPES: Partial<Record<InboundType, string>> = { document: 'file', contacts: 'contact', interactive: 'list_reply', button: 'quick_reply' }

function gupshupInbound({ deps, number, input, from, name, id, media, quoted, reactedTo }: Parts) {
  if (input.type === 'opt-in' || input.type === 'opt-out') {
    return gupshupEnvelope(number, 'user-event', { phone: from, type: input.type === 'opt-in' ? 'opted-in' : 'opted-out' })
  }
  let type = GUPSHUP_TYPES[input.type] ?? input.type
  let payload: Json = {}
  if (media) {
    payload = {
      url: deps.media.url(deps.baseUrl, media.id),
      contentType: media.mimeType,
      urlExpiry: Date.now() + 300_000,
      ...(input.caption ? { caption: input.caption } : {}),
      ...(input.type === 'document' ? { name: media.filename ?? 'document' } : {}),
    }
  } else if (input.type === 'text') payload = { text: input.text }
  else if (input.type === 'location') payload = { ...input.location }
  else if (input.type === 'contacts') payload = { contacts: input.contacts ?? [SAMPLE_CONTACT] }
  else if (input.type === 'interactive') {
    const reply = input.interactive!
    // Gupshup names a reply button's tap button_reply or quick_reply: receivers must accept both.
    if (reply.type === 'button_reply') type = deps.random.chance(0.5) ? 'button_reply' : 'quick_reply'
    payload = {
      title: reply.title,
      id: reply.id,
      reply: reply.title,
      postbackText: reply.id,
      ...(reply.type === 'list_reply' ? { description: reply.description ?? '' } : {}),
    }
  } else if (input.type === 'button') payload = { text: input.button!.text, type: 'button', payload: input.button!.payload }
  // The contracts sheet does not give Gupshup's reaction shape: this one follows its other payloads.
  else if (input.type === 'reaction') payload = { emoji: input.reaction!.emoji, msgId: reactedTo?.wamid ?? input.reaction!.messageId }

  const phone = parsePhoneNumberFromString(`+${from}`)
  return gupshupEnvelope(number, 'message', {
    id,
    source: from,
    type,
    payload,
    sender: { phone: from, name, country_code: phone?.countryCallingCode ?? '', dial_code: phone?.nationalNumber ?? from },
    ...(quoted ? { context: { id: quoted.wamid, gsId: quoted.id } } : input.context?.id ? { context: { id: input.context.id } } : {}),
  })
}
