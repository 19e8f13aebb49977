/**
 * Everything the simulator remembers, and the steps every provider shares: admitting a send
 * (throughput, 24-hour window, pair rate), injecting a customer's message, faults, stats.
 */
import { EventEmitter } from 'node:events'
import { ApiError, WINDOW_CLOSED } from './errors.js'
import type { Answer } from './http.js'
import { buildInbound } from './inbound.js'
import { MediaStore } from './media.js'
import { resolveNumber, SimNumber } from './numbers.js'
import { Random } from './random.js'
import { webhookRequest } from './signing.js'
import { StatusScheduler } from './statuses.js'
import { TemplateBook } from './templates.js'
import type {
  InboundInput,
  InjectedMessage,
  NumberConfig,
  ReceivedRequest,
  SimStats,
  SimulatorOptions,
  StatusName,
} from './types.js'
import { Pending, WebhookDispatcher, type DeliveryResult } from './webhooks.js'

/** Logs are bounded so a long benchmark does not grow without end. */
const LOG_LIMIT = 50_000

const STATUS_RANK: Record<StatusName, number> = { accepted: 0, enqueued: 1, sent: 2, delivered: 3, read: 4, failed: 5 }

export interface OutboundSend {
  to: string
  type: string
  body: Record<string, unknown>
  /** 'service' or the template's category (lower-case). */
  category: string
  opaque?: string
}

/** Where a change happened, for the phone page's live updates. */
export interface Change {
  phoneNumberId: string
  customer: string | null
}

export class SimState {
  readonly random: Random
  readonly media: MediaStore
  readonly templates = new TemplateBook()
  readonly pending = new Pending()
  readonly dispatcher: WebhookDispatcher
  readonly statuses: StatusScheduler
  readonly changes = new EventEmitter()
  readonly numbers = new Map<string, SimNumber>()
  readonly log: (line: string) => void
  received: ReceivedRequest[] = []
  injected: InjectedMessage[] = []
  baseUrl = ''
  #counts = { accepted: 0, rejected: 0, faulted: 0, markedRead: 0, inbound: 0, byCode: {} as Record<string, number> }
  #perNumber: SimStats['perNumber'] = {}

  constructor(options: SimulatorOptions) {
    this.random = new Random(options.seed)
    this.log = options.logger ?? (() => {})
    this.media = new MediaStore(this.random)
    this.dispatcher = new WebhookDispatcher(this.pending, options.webhookRetryDelaysMs ?? [250, 1000, 3000], this.log)
    this.statuses = new StatusScheduler(
      this.random,
      this.pending,
      (number, payload) => void this.#post(number.phoneNumberId, payload),
      (record, stage) => {
        if (stage === 'failed' || STATUS_RANK[stage] > STATUS_RANK[record.status]) record.status = stage
        this.#changed(record.phoneNumberId, record.to)
      }
    )
    // Every phone page tab listens.
    this.changes.setMaxListeners(0)
  }

  addNumber(config: NumberConfig) {
    const previous = this.numbers.get(config.phoneNumberId)
    // A replaced number keeps its WABA (and so its templates) unless told otherwise.
    const info = resolveNumber({ ...config, wabaId: config.wabaId ?? previous?.info.wabaId }, this.random)
    this.numbers.set(info.phoneNumberId, new SimNumber(info, previous?.lastInbound))
    this.templates.ensure(info.wabaId, info.mode, this.random, config.templates)
    this.#changed(info.phoneNumberId, null)
    return info
  }

  /** A configured number, or an Error naming the id (the control API answers 404). */
  number(phoneNumberId: string) {
    const number = this.numbers.get(phoneNumberId)
    if (!number) throw new UnknownNumber(phoneNumberId)
    return number
  }

  /** The number of a mode whose key matches (360dialog's D360-API-KEY, gupshup's apikey + source). */
  byApiKey(mode: '360dialog' | 'gupshup', key: string | undefined, source?: string) {
    if (!key) return undefined
    return [...this.numbers.values()].find(
      (number) => number.info.mode === mode && number.info.apiKey === key && (source === undefined || number.info.displayPhone === source)
    )
  }

  /** The next queued fault as an answer, or undefined; `fallback` renders the provider's error body. */
  takeFault(number: SimNumber, fallback: (status: number) => unknown): Answer | undefined {
    const fault = number.faults.shift()
    if (!fault) return undefined
    this.#counts.faulted++
    this.log(`fault ${fault.status}${fault.drop ? ' (dropped)' : ''} for ${number.info.phoneNumberId}`)
    return { status: fault.status, body: fault.body ?? fallback(fault.status), delayMs: fault.delayMs, drop: fault.drop }
  }

  /**
   * Throughput, then the customer-service window, then the pair rate; an accepted send is
   * recorded and its statuses scheduled. `ids` are the provider's (gupshup has its own id besides the wamid).
   */
  admit(number: SimNumber, send: OutboundSend, ids?: { id: string; wamid: string }) {
    const info = number.info
    const now = Date.now()
    if (!number.throughput.take(now)) {
      throw new ApiError(130429, `Cloud API message throughput has been reached (${info.throughputPerSecond} messages per second).`)
    }
    const closed = send.type !== 'template' && info.windowEnforcement !== 'off' && !number.inWindow(send.to, now)
    if (closed && info.windowEnforcement === 'sync') throw new ApiError(131047, WINDOW_CLOSED)
    if (number.pairs && !number.pairs.take(send.to, now)) {
      throw new ApiError(
        131056,
        'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.'
      )
    }
    const wamid = ids?.wamid ?? this.random.wamid(send.to)
    const record: ReceivedRequest = {
      id: ids?.id ?? wamid,
      wamid,
      phoneNumberId: info.phoneNumberId,
      mode: info.mode,
      kind: 'message',
      to: send.to,
      type: send.type,
      body: send.body,
      at: new Date(now).toISOString(),
      status: 'accepted',
    }
    this.#record(record)
    this.#counts.accepted++
    this.#perNumberOf(info.phoneNumberId).accepted++
    this.statuses.schedule(info, { record, category: send.category, opaque: send.opaque }, closed ? new ApiError(131047, WINDOW_CLOSED) : null)
    return record
  }

  /** The business marks a customer's message read (Meta's status: read). */
  markRead(number: SimNumber, messageId: string, body: Record<string, unknown>) {
    const message = this.injected.find((item) => item.id === messageId && item.phoneNumberId === number.info.phoneNumberId)
    if (!message) throw new ApiError(100, `Param message_id is not a message this number received: ${messageId}.`)
    message.read = true
    this.#counts.markedRead++
    this.#record({
      id: messageId,
      wamid: messageId,
      phoneNumberId: number.info.phoneNumberId,
      mode: number.info.mode,
      kind: 'read',
      to: null,
      type: 'read',
      body,
      at: new Date().toISOString(),
      status: 'accepted',
    })
    this.#changed(number.info.phoneNumberId, message.from)
  }

  /** A customer's message: opens the window, stores media, posts the webhook (answers after its first attempt). */
  async inject(phoneNumberId: string, input: InboundInput): Promise<{ id: string; webhook: DeliveryResult }> {
    const number = this.number(phoneNumberId)
    const built = buildInbound(
      { random: this.random, media: this.media, baseUrl: this.baseUrl, findSent: (pnid, id) => this.findSent(pnid, id) },
      number.info,
      input
    )
    const at = input.timestamp !== undefined ? input.timestamp * 1000 : Date.now()
    if (input.type !== 'opt-in' && input.type !== 'opt-out') number.lastInbound.set(built.from, at)
    this.injected.push({
      id: built.id,
      phoneNumberId,
      from: built.from,
      name: built.name,
      type: input.type,
      input,
      mediaId: built.media?.id ?? null,
      at: new Date(at).toISOString(),
      read: false,
    })
    if (this.injected.length > LOG_LIMIT) this.injected.shift()
    this.#counts.inbound++
    this.#perNumberOf(phoneNumberId).inbound++
    this.#changed(phoneNumberId, built.from)
    return { id: built.id, webhook: await this.#post(phoneNumberId, built.payload) }
  }

  findSent(phoneNumberId: string, id: string) {
    return this.received.findLast((item) => item.phoneNumberId === phoneNumberId && item.kind === 'message' && (item.id === id || item.wamid === id))
  }

  countRejection(phoneNumberId: string | undefined, code: number) {
    this.#counts.rejected++
    this.#counts.byCode[code] = (this.#counts.byCode[code] ?? 0) + 1
    if (phoneNumberId && this.numbers.has(phoneNumberId)) this.#perNumberOf(phoneNumberId).rejected++
  }

  stats(): SimStats {
    const { accepted, rejected, faulted, byCode, markedRead, inbound } = this.#counts
    return {
      numbers: this.numbers.size,
      sends: { accepted, rejected, faulted, byCode: { ...byCode } },
      markedRead,
      inbound,
      webhooks: { ...this.dispatcher.stats, pending: this.pending.count },
      perNumber: structuredClone(this.#perNumber),
    }
  }

  reset(keepNumbers = false) {
    this.statuses.clear()
    this.dispatcher.clear()
    this.pending.reset()
    this.media.clear()
    this.received = []
    this.injected = []
    this.#counts = { accepted: 0, rejected: 0, faulted: 0, markedRead: 0, inbound: 0, byCode: {} }
    this.#perNumber = {}
    Object.assign(this.dispatcher.stats, { attempts: 0, delivered: 0, retried: 0, failed: 0 })
    if (keepNumbers) {
      for (const [id, number] of this.numbers) this.numbers.set(id, new SimNumber(number.info))
    } else {
      this.numbers.clear()
      this.templates.clear()
    }
  }

  close() {
    this.statuses.clear()
    this.dispatcher.close()
    this.pending.reset()
  }

  #post(phoneNumberId: string, payload: Record<string, unknown>) {
    const number = this.numbers.get(phoneNumberId)
    if (!number) return Promise.resolve<DeliveryResult>({ ok: false, status: null, error: 'number removed' })
    return this.dispatcher.post(phoneNumberId, webhookRequest(number.info, payload, this.random))
  }

  #record(record: ReceivedRequest) {
    this.received.push(record)
    if (this.received.length > LOG_LIMIT) this.received.shift()
    this.#changed(record.phoneNumberId, record.to)
  }

  #perNumberOf(phoneNumberId: string) {
    return (this.#perNumber[phoneNumberId] ??= { accepted: 0, rejected: 0, inbound: 0 })
  }

  #changed(phoneNumberId: string, customer: string | null) {
    this.changes.emit('change', { phoneNumberId, customer } satisfies Change)
  }
}

export class UnknownNumber extends Error {
  constructor(readonly phoneNumberId: string) {
    super(`No number ${phoneNumberId} is configured in the simulator`)
  }
}
