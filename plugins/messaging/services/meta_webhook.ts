/**
 * Meta's webhook envelope (Cloud API, and 360dialog which forwards it unchanged) as normalised
 * events. One POST can carry many entries × changes × messages / statuses.
 */
export interface InboundMessageEvent {
  kind: 'message'
  providerMessageId: string
  from: string
  profileName: string | null
  timestamp: Date
  type: string
  content: Record<string, unknown>
  replyToProviderId: string | null
}

export interface StatusEvent {
  kind: 'status'
  providerMessageId: string
  status: 'sent' | 'delivered' | 'read' | 'failed'
  timestamp: Date
  errorCode: string | null
  errorReason: string | null
}

export type WebhookEvent = InboundMessageEvent | StatusEvent

const seconds = (value: unknown) => new Date(Number(value) * 1000)

export function parseMetaWebhook(body: unknown): WebhookEvent[] {
  const events: WebhookEvent[] = []
  const entries = (body as { entry?: unknown[] })?.entry
  if (!Array.isArray(entries)) return events
  for (const entry of entries) {
    for (const change of ((entry as { changes?: unknown[] }).changes ?? []) as { value?: any }[]) {
      const value = change?.value ?? {}
      const names = new Map<string, string>(
        (value.contacts ?? []).map((contact: any) => [String(contact.wa_id ?? contact.user_id ?? ''), contact.profile?.name ?? null])
      )
      for (const message of value.messages ?? []) {
        if (!message?.id || !message?.from || !message?.type) continue
        events.push({
          kind: 'message',
          providerMessageId: String(message.id),
          from: String(message.from),
          profileName: names.get(String(message.from)) ?? null,
          timestamp: seconds(message.timestamp ?? Date.now() / 1000),
          type: String(message.type),
          content: (message[message.type] as Record<string, unknown>) ?? {},
          replyToProviderId: message.context?.id ?? null,
        })
      }
      for (const status of value.statuses ?? []) {
        if (!status?.id || !['sent', 'delivered', 'read', 'failed', 'played'].includes(status.status)) continue
        const error = status.errors?.[0]
        events.push({
          kind: 'status',
          providerMessageId: String(status.id),
          // A voice message "played" has been read.
          status: status.status === 'played' ? 'read' : status.status,
          timestamp: seconds(status.timestamp ?? Date.now() / 1000),
          errorCode: error?.code !== undefined ? String(error.code) : null,
          errorReason: error?.error_data?.details ?? error?.message ?? error?.title ?? null,
        })
      }
    }
  }
  return events
}
