import type { InboundMessageEvent, OptEvent, StatusEvent, WebhookEvent } from '#messaging/services/channel_provider'
import { parseMetaWebhook } from '#whatsapp-cloud/services/webhook'
import { inboundContent, isObject, list, type Json } from '#whatsapp-gupshup/services/content'
import { failureText } from '#whatsapp-gupshup/services/gupshup_errors'

/** Gupshup stamps in milliseconds or in seconds, as numbers or strings: the first usable one wins. */
function timeOf(...candidates: unknown[]) {
  for (const candidate of candidates) {
    const value = Number(candidate)
    // Below 1e11 it cannot be milliseconds (that would be 1973).
    if (Number.isFinite(value) && value > 0) return new Date(value < 1e11 ? value * 1000 : value)
  }
  return new Date()
}

const digits = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value).replace(/\D/g, '') : '')

function message(payload: Json, timestamp: unknown): InboundMessageEvent | null {
  const sender = isObject(payload.sender) ? payload.sender : {}
  const from = digits(sender.phone ?? payload.source)
  if (!payload.id || !from || typeof payload.type !== 'string') return null
  const context = isObject(payload.context) ? payload.context : {}
  // gsId is the Gupshup id of our message the customer quoted: the id we stored when sending it.
  const replyTo = context.gsId ?? context.id
  return {
    kind: 'message',
    providerMessageId: String(payload.id),
    from,
    profileName: typeof sender.name === 'string' ? sender.name : null,
    timestamp: timeOf(timestamp),
    ...inboundContent(payload.type, payload.payload),
    replyToProviderId: replyTo ? String(replyTo) : null,
  }
}

/** enqueued and deleted say nothing the kernel tracks. */
const STATUSES = new Set<unknown>(['sent', 'delivered', 'read', 'failed'])

function status(payload: Json, timestamp: unknown): StatusEvent | null {
  // Delivery reports carry the WhatsApp id in `id` and ours (the send answer's messageId) in gsId.
  const id = payload.gsId ?? payload.id
  if (!id || !STATUSES.has(payload.type)) return null
  const detail = isObject(payload.payload) ? payload.payload : {}
  const failed = payload.type === 'failed'
  return {
    kind: 'status',
    providerMessageId: String(id),
    status: payload.type,
    timestamp: timeOf(detail.ts, payload.ts, timestamp),
    errorCode: failed && detail.code !== undefined && detail.code !== null ? String(detail.code) : null,
    errorReason: failed ? failureText(detail.code, detail.reason) : null,
  }
}

function opt(payload: Json, timestamp: unknown): OptEvent | null {
  const from = digits(payload.phone)
  if (!from || (payload.type !== 'opted-in' && payload.type !== 'opted-out')) return null
  return { kind: 'opt', from, optedIn: payload.type === 'opted-in', timestamp: timeOf(timestamp) }
}

/**
 * v3 subscriptions forward Meta's envelope; each status also carries `gs_id`, the send answer's
 * messageId, which is what the kernel stored: statuses are reported under it.
 */
function v3(body: Json): WebhookEvent[] {
  const gsIds = new Map<string, string>()
  for (const entry of list(body.entry)) {
    for (const change of list(entry?.changes)) {
      for (const raw of list(change?.value?.statuses)) {
        if (raw?.id && raw?.gs_id) gsIds.set(String(raw.id), String(raw.gs_id))
      }
    }
  }
  return parseMetaWebhook(body).map((event) =>
    event.kind === 'status' && gsIds.has(event.providerMessageId) ? { ...event, providerMessageId: gsIds.get(event.providerMessageId)! } : event
  )
}

const V2_PARSERS = new Map<unknown, (payload: Json, timestamp: unknown) => WebhookEvent | null>([
  ['message', message],
  ['message-event', status],
  ['user-event', opt],
])

/**
 * Gupshup's callbacks as normalised events: v2 (`message`, `message-event`, `user-event`, one event
 * per POST) or v3 (Meta's envelope). Malformed input never throws: what cannot be read is skipped.
 */
export function parseGupshupWebhook(body: unknown): WebhookEvent[] {
  if (!isObject(body)) return []
  if (Array.isArray(body.entry)) return v3(body)
  const payload = body.payload
  if (!isObject(payload)) return []
  const event = V2_PARSERS.get(body.type)?.(payload, body.timestamp)
  return event ? [event] : []
}
