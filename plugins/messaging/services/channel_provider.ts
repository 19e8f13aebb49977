/**
 * The channel contract: what a WhatsApp provider plugin (whatsapp-cloud, whatsapp-360dialog,
 * whatsapp-gupshup) implements so that the kernel can send, receive and sync through it.
 *
 * One content format everywhere: a message's `content` is the Cloud API's object for its type
 * (`text: {body}`, `image: {id|link, caption}`, `interactive: {type, body, action}`, ...), both
 * inbound and outbound. Meta's shape is the richest of the three and 360dialog forwards it
 * unchanged, so only Gupshup translates (in its plugin).
 */
import type Channel from '#messaging/models/channel'
import type { Provider } from '#messaging/models/channel'
import type { MessageType } from '#messaging/models/message'

/* ------------------------------------------------------------------ inbound */

export interface InboundMessageEvent {
  kind: 'message'
  providerMessageId: string
  /** The customer's number as the provider sends it (digits, no +). */
  from: string
  profileName: string | null
  timestamp: Date
  type: MessageType
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

/** A customer opted in or out (Gupshup's user-events). */
export interface OptEvent {
  kind: 'opt'
  from: string
  optedIn: boolean
  timestamp: Date
}

export type WebhookEvent = InboundMessageEvent | StatusEvent | OptEvent

/* ----------------------------------------------------------------- outbound */

export interface OutboundMessage {
  /** The customer's number, digits only (wa_id). */
  to: string
  type: MessageType
  /** The Cloud API object of `type`. */
  content: Record<string, unknown>
  /** Provider id of the message this one answers (WhatsApp shows it quoted). */
  replyToProviderId?: string | null
}

export interface MediaFile {
  bytes: Buffer
  mime: string
  filename: string
}

export interface DownloadedMedia {
  bytes: Buffer
  mime: string
}

export interface TemplateDefinition {
  providerTemplateId: string | null
  name: string
  language: string
  category: string | null
  status: string
  /** The Cloud API's components (HEADER, BODY, FOOTER, BUTTONS). */
  components: Record<string, unknown>[]
}

export interface ProviderLimits {
  /** Messages per second per number before the provider throttles. */
  defaultThroughputPerSecond: number
  maxThroughputPerSecond: number
}

export interface ProviderFeatures {
  /** Media is uploaded and sent by id; otherwise it is sent by a link the provider fetches. */
  mediaUpload: boolean
  /** A "typing…" indicator can be shown to the customer. */
  typing: boolean
  /** Templates are sent by the provider's template id (`content.provider_template_id`), not by name. */
  templateIds: boolean
}

export type HeaderReader = (name: string) => string | undefined

export interface ChannelProvider {
  readonly name: Provider
  readonly limits: ProviderLimits
  readonly features: ProviderFeatures
  send(channel: Channel, message: OutboundMessage): Promise<{ providerMessageId: string }>
  /** Marks the customer's message read (blue ticks); with `typing`, shows "typing…" too. */
  markRead(channel: Channel, providerMessageId: string, options?: { typing?: boolean }): Promise<void>
  /** "typing…" in reply to a customer's message (Cloud API: part of mark-read). */
  typing(channel: Channel, providerMessageId: string): Promise<void>
  uploadMedia(channel: Channel, file: MediaFile): Promise<{ id: string }>
  /** `reference` is what the inbound message carried: a media id (Meta) or a URL (Gupshup). */
  downloadMedia(channel: Channel, reference: string): Promise<DownloadedMedia>
  /** Is this webhook authentic? Checked over the exact bytes received. */
  verifyWebhook(channel: Channel, rawBody: string, header: HeaderReader, query: Record<string, unknown>): boolean
  /** The subscription handshake's answer, or null (403). Providers without one answer null. */
  handshake(channel: Channel, query: Record<string, unknown>): string | null
  parseWebhook(body: unknown): WebhookEvent[]
  syncTemplates(channel: Channel): Promise<TemplateDefinition[]>
}

/* ------------------------------------------------------------------- errors */

/**
 * Every provider's errors mapped to one set of reasons. `retryable` reasons are sent again
 * with backoff; the others fail the message at once with `REASON_TEXT` as its human reason.
 */
export const FAILURE_REASONS = {
  auth: { retryable: false, text: 'The channel’s access token is invalid or expired: reconnect the channel' },
  permission: { retryable: false, text: 'The channel is not allowed to do this: check its permissions' },
  policy: { retryable: false, text: 'Blocked by WhatsApp policy' },
  invalid: { retryable: false, text: 'WhatsApp rejected the message as invalid' },
  throttled: { retryable: true, text: 'Too many messages for this number right now' },
  pair_rate: { retryable: true, text: 'Too many messages to this customer in a short time' },
  spam: { retryable: false, text: 'Not sent: WhatsApp’s spam rate limit was hit' },
  undeliverable: { retryable: false, text: 'The message could not be delivered to this number' },
  window_closed: { retryable: false, text: 'outside the 24-hour customer-service window: send an approved template' },
  not_delivered: { retryable: false, text: 'WhatsApp chose not to deliver this marketing message' },
  unsupported: { retryable: false, text: 'This message type is not supported' },
  media: { retryable: true, text: 'The media could not be uploaded or downloaded' },
  not_allowed: { retryable: false, text: 'The recipient is not in the test number’s allowed list' },
  template: { retryable: false, text: 'The template or its parameters do not match the approved template' },
  template_paused: { retryable: false, text: 'The template is paused' },
  provider: { retryable: true, text: 'The provider had a temporary error' },
  timeout: { retryable: true, text: 'The provider did not answer in time' },
} as const

export type FailureReason = keyof typeof FAILURE_REASONS

export class ProviderError extends Error {
  readonly retryable: boolean
  constructor(
    readonly reason: FailureReason,
    /** The provider's own code (e.g. Meta's "131047"), kept for support. */
    readonly code: string | null,
    detail?: string,
    /** Seconds the provider asked us to wait, when it said. */
    readonly retryAfter: number | null = null
  ) {
    super(detail ? `${FAILURE_REASONS[reason].text} (${detail})` : FAILURE_REASONS[reason].text)
    this.retryable = FAILURE_REASONS[reason].retryable
  }

  /** What the message's `error_reason` says. */
  get humanReason() {
    return FAILURE_REASONS[this.reason].text
  }
}
