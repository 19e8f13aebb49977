/**
 * The simulator's public types: what tests, the quickstart and benchmarks configure and read.
 */

export type Mode = 'cloud' | '360dialog' | 'gupshup'

/** What happens to a free-form (non-template) send outside the customer's 24-hour window. */
export type WindowEnforcement = 'sync' | 'status' | 'off'

export interface StatusBehaviour {
  /** Send `delivered` (default true; Meta sometimes skips it). */
  delivered?: boolean
  /** Send `read` (default true). */
  read?: boolean
  /** Probability (0..1) that a status is posted twice (default 0). */
  duplicates?: number
  /** Post a message's statuses in a random order (default false). */
  shuffle?: boolean
  /** Gather the statuses due together into one POST (Meta envelope only; default false). */
  batch?: boolean
  /** Milliseconds between a message's status stages (default 30). */
  delayMs?: number
}

export interface TemplateButton {
  type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE'
  text: string
  url?: string
  phone_number?: string
  example?: string[]
}

export interface TemplateComponent {
  type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS'
  format?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION'
  text?: string
  buttons?: TemplateButton[]
  example?: Record<string, unknown>
}

/** A message template as Meta's `message_templates` lists it. */
export interface TemplateDefinition {
  name: string
  language: string
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION'
  /** Default 'APPROVED'; 'PAUSED' answers 132015, anything else 132001. */
  status?: string
  /** Generated when absent: numeric (cloud, 360dialog) or a UUID (gupshup). */
  id?: string
  parameter_format?: 'POSITIONAL' | 'NAMED'
  components: TemplateComponent[]
}

export interface NumberConfig {
  mode: Mode
  phoneNumberId: string
  /** Generated when absent; numbers sharing a WABA share its templates. */
  wabaId?: string
  /** E.164 digits, no '+'. */
  displayPhone: string
  /** cloud: the Bearer token every Graph API call must carry (required). */
  accessToken?: string
  /** 360dialog: the D360-API-KEY header; gupshup: the apikey header (required for both). */
  apiKey?: string
  /** cloud: signs webhooks (X-Hub-Signature-256). */
  appSecret?: string
  /** 360dialog: signs webhooks (x-360dialog-signature). */
  webhookSecret?: string
  /** 360dialog: static headers sent with every webhook (the alternative to a signature). */
  webhookHeaders?: Record<string, string>
  /** gupshup: the app name (`src.name`, callbacks' `app`). */
  appName?: string
  /** Where this number's webhooks go. */
  webhookUrl: string
  /** Sends accepted per sliding second (default 80). */
  throughputPerSecond?: number
  /** ~1 message per 6 s per recipient with a burst of 3 (default false). */
  pairRateLimit?: boolean
  windowEnforcement?: WindowEnforcement
  statusBehaviour?: StatusBehaviour
  /** Replace the WABA's templates (otherwise a realistic set is seeded). */
  templates?: TemplateDefinition[]
}

/** A number as the simulator runs it: every default filled in. */
export interface NumberInfo extends Omit<NumberConfig, 'templates'> {
  wabaId: string
  throughputPerSecond: number
  pairRateLimit: boolean
  windowEnforcement: WindowEnforcement
  statusBehaviour: Required<StatusBehaviour>
}

export type InboundType =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'interactive'
  | 'button'
  | 'reaction'
  | 'unsupported'
  /** gupshup only: user-events. */
  | 'opt-in'
  | 'opt-out'

/** A message "the customer" sends to a number: `inject(phoneNumberId, input)`. */
export interface InboundInput {
  /** The customer's WhatsApp id: E.164 digits. */
  from: string
  /** Profile name (default "User <last 4 digits>"). */
  name?: string
  type: InboundType
  /** text: the body. */
  text?: string
  /** image, video, document: the caption. */
  caption?: string
  /** Media types: the bytes (base64 in JSON) and type; a small generated file otherwise. */
  media?: { mimeType?: string; data?: string | Uint8Array; filename?: string; voice?: boolean }
  location?: { latitude: number; longitude: number; name?: string; address?: string; url?: string }
  /** Meta's contacts array (one sample contact by default). */
  contacts?: Record<string, unknown>[]
  interactive?:
    | { type: 'button_reply'; id: string; title: string }
    | { type: 'list_reply'; id: string; title: string; description?: string }
  /** A template's quick-reply button. */
  button?: { payload: string; text: string }
  reaction?: { messageId: string; emoji: string }
  /** Reply to (or forward) a message: id is the business message's id (wamid, or gupshup messageId). */
  context?: { id?: string; forwarded?: boolean }
  /** Unix seconds (default now). An older time also moves the 24-hour window back. */
  timestamp?: number
}

export type StatusName = 'accepted' | 'enqueued' | 'sent' | 'delivered' | 'read' | 'failed'

/** An outbound request the simulator accepted. */
export interface ReceivedRequest {
  /** The id the send answered: a wamid (cloud, 360dialog) or Gupshup's messageId. For a mark-read, the message marked. */
  id: string
  /** The WhatsApp message id (equal to id except for gupshup). */
  wamid: string
  phoneNumberId: string
  mode: Mode
  kind: 'message' | 'read'
  /** Recipient digits (null for a mark-read). */
  to: string | null
  /** Meta's type, gupshup's message type, or 'template'. */
  type: string
  /** The request as parsed: Meta's JSON, or gupshup's form with `message` / `template` parsed. */
  body: Record<string, unknown>
  /** ISO time it was accepted. */
  at: string
  /** The latest status posted for it. */
  status: StatusName
}

/** A message injected as if a customer sent it. */
export interface InjectedMessage {
  id: string
  phoneNumberId: string
  from: string
  name: string
  type: InboundType
  input: InboundInput
  /** The media id created for it, if any. */
  mediaId: string | null
  at: string
  /** The business marked it read. */
  read: boolean
}

/** A canned answer for the next send: `POST /_sim/faults`. */
export interface FaultResponse {
  status: number
  /** Default: the provider's error shape for that status. */
  body?: unknown
  /** Wait this long before answering (timeouts). */
  delayMs?: number
  /** Close the connection without answering. */
  drop?: boolean
}

export interface SimStats {
  numbers: number
  /** rejected: refused with an error code (byCode); faulted: answered from the fault queue. */
  sends: { accepted: number; rejected: number; faulted: number; byCode: Record<string, number> }
  markedRead: number
  inbound: number
  webhooks: { attempts: number; delivered: number; retried: number; failed: number; pending: number }
  perNumber: Record<string, { accepted: number; rejected: number; inbound: number }>
}

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number
  host?: string
  /** Seeds the PRNG behind ids, shuffling and duplicates. */
  seed?: number
  logger?: (line: string) => void
  /** Delays before each webhook retry (default [250, 1000, 3000]). */
  webhookRetryDelaysMs?: number[]
}

export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:4010 (use it as the providers' API base). */
  url: string
  addNumber(config: NumberConfig): NumberInfo
  numbers(): NumberInfo[]
  /** Posts the inbound webhook (waits for its first delivery attempt) and returns the message id. */
  inject(phoneNumberId: string, inbound: InboundInput): Promise<string>
  received(phoneNumberId?: string): ReceivedRequest[]
  injected(phoneNumberId?: string): InjectedMessage[]
  fault(phoneNumberId: string, responses: FaultResponse[]): void
  stats(): SimStats
  /** Forget messages, media, windows, faults and stats (and the numbers unless keepNumbers). */
  reset(options?: { keepNumbers?: boolean }): void
  /** Resolves when no status webhook is scheduled or being retried. */
  settle(timeoutMs?: number): Promise<void>
  close(): Promise<void>
}
