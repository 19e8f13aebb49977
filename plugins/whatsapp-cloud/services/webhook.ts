import { FAILURE_REASONS, type WebhookEvent } from '#messaging/services/channel_provider'
import { MESSAGE_TYPES, type MessageType } from '#messaging/models/message'
import { reasonOfCode } from '#whatsapp-cloud/services/graph_errors'

/** A string field as stored (bounded like its column), or null when it is not text. */
const text = (value: unknown, max: number) => (typeof value === 'string' || typeof value === 'number' ? String(value).slice(0, max) || null : null)

const seconds = (value: unknown) => {
  const n = Number(value)
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : new Date()
}

/** The human reason of a failed status: ours for codes we know, Meta's details otherwise. */
function failure(error: any) {
  if (!error) return { errorCode: null, errorReason: null }
  const code = Number(error.code)
  const reason = Number.isFinite(code) ? reasonOfCode(code) : null
  return {
    errorCode: text(error.code, 20),
    errorReason: reason ? FAILURE_REASONS[reason].text : text(error.error_data?.details ?? error.message ?? error.title, 500),
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value)

const KNOWN_TYPES = new Set<string>(MESSAGE_TYPES)

/**
 * Meta's webhook envelope (Cloud API, and 360dialog which forwards it unchanged) as normalised
 * events. One POST can carry many entries × changes × messages / statuses. Anything malformed
 * is skipped, never thrown: a bad item must not hold back the good ones beside it.
 */
export function parseMetaWebhook(body: unknown): WebhookEvent[] {
  const events: WebhookEvent[] = []
  const entries = (body as { entry?: unknown })?.entry
  if (!Array.isArray(entries)) return events
  for (const entry of entries) {
    const changes = (entry as { changes?: unknown })?.changes
    if (!Array.isArray(changes)) continue
    for (const change of changes) {
      const value = change?.value
      if (!value || typeof value !== 'object') continue
      const contacts = Array.isArray(value.contacts) ? value.contacts : []
      const names = new Map<string, string | null>(
        contacts.map((contact: any) => [String(contact?.wa_id ?? contact?.user_id ?? ''), text(contact?.profile?.name, 200)])
      )
      for (const message of Array.isArray(value.messages) ? value.messages : []) {
        const id = text(message?.id, 200)
        const from = text(message?.from, 32)
        if (!id || !from || typeof message.type !== 'string') continue
        const known = KNOWN_TYPES.has(message.type) && message.type !== 'system'
        const payload = message[message.type]
        events.push({
          kind: 'message',
          providerMessageId: id,
          from,
          profileName: names.get(from) ?? null,
          timestamp: seconds(message.timestamp),
          // What WhatsApp cannot show us (unsupported, order, ...) is kept as a system note.
          type: known ? (message.type as MessageType) : 'system',
          content: known
            ? // A contacts message's content is Meta's array of cards; a click-to-WhatsApp ad's referral rides along.
              message.type === 'contacts' && Array.isArray(payload)
              ? (payload as unknown as Record<string, unknown>)
              : { ...(isObject(payload) ? payload : {}), ...(isObject(message.referral) ? { referral: message.referral } : {}) }
            : { kind: message.type.slice(0, 40), ...(isObject(payload) ? payload : {}), errors: message.errors ?? undefined },
          replyToProviderId: text(message.context?.id, 200),
        })
      }
      for (const status of Array.isArray(value.statuses) ? value.statuses : []) {
        const id = text(status?.id, 200)
        if (!id || !['sent', 'delivered', 'read', 'failed', 'played'].includes(status.status)) continue
        events.push({
          kind: 'status',
          providerMessageId: id,
          // A voice message "played" has been read.
          status: status.status === 'played' ? 'read' : status.status,
          timestamp: seconds(status.timestamp),
          ...failure(Array.isArray(status.errors) ? status.errors[0] : null),
        })
      }
    }
  }
  return events
}
