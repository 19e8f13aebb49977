/**
 * What happens after a send is accepted: the status lifecycle (Meta: sent → delivered → read,
 * or failed; Gupshup: enqueued first, then the same), posted per the number's
 * statusBehaviour — delayed, optionally shuffled, duplicated, batched, delivered skipped.
 */
import { statusError, type ApiError } from './errors.js'
import type { Random } from './random.js'
import type { NumberInfo, ReceivedRequest, StatusName } from './types.js'
import { gupshupEnvelope, metaEnvelope, type Pending } from './webhooks.js'

export interface AcceptedSend {
  record: ReceivedRequest
  /** Pricing category: 'service', or the template's lower-cased. */
  category: string
  opaque?: string
}

type Stage = Exclude<StatusName, 'accepted'>

interface Due {
  stage: Stage
  /** When it happened in the message's life (its timestamp), independent of posting order. */
  at: number
}

/** Gupshup reports a closed window with the On-Premise code. */
const GUPSHUP_CODES: Record<number, number> = { 131047: 470 }

export class StatusScheduler {
  #timers = new Set<NodeJS.Timeout>()
  #batches = new Map<string, { statuses: Record<string, unknown>[]; number: NumberInfo }>()
  #conversations = new Map<string, { id: string; expires: number }>()

  constructor(
    private random: Random,
    private pending: Pending,
    private deliver: (number: NumberInfo, payload: Record<string, unknown>) => void,
    private onStatus: (record: ReceivedRequest, stage: Stage) => void
  ) {}

  schedule(number: NumberInfo, send: AcceptedSend, failure: ApiError | null) {
    const behaviour = number.statusBehaviour
    const gupshup = number.mode === 'gupshup'
    const stages: Stage[] = failure
      ? ['failed']
      : ['sent', ...(behaviour.delivered ? (['delivered'] as const) : []), ...(behaviour.read ? (['read'] as const) : [])]
    if (gupshup) stages.unshift('enqueued')
    const now = Date.now()
    let due: Due[] = stages.map((stage, i) => ({ stage, at: now + i * behaviour.delayMs }))
    // Gupshup always reports enqueued first: it answers the send.
    if (behaviour.shuffle) due = gupshup ? [due[0], ...this.random.shuffle(due.slice(1))] : this.random.shuffle(due)
    due = due.flatMap((item) => (this.random.chance(behaviour.duplicates) ? [item, item] : [item]))

    if (behaviour.batch && !gupshup) {
      this.#later(behaviour.delayMs, () => this.#addToBatch(number, send, due, failure))
      return
    }
    // Each stage is timed from the previous one: timers of different lengths may fire out of order.
    const post = (index: number) =>
      this.#later(behaviour.delayMs, () => {
        const item = due[index]
        this.onStatus(send.record, item.stage)
        const payload = gupshup
          ? this.#gupshupEvent(number, send, item, failure)
          : metaEnvelope(number, { statuses: [this.#metaStatus(number, send, item, failure)] })
        this.deliver(number, payload)
        if (index + 1 < due.length) post(index + 1)
      })
    post(0)
  }

  /** Statuses due within one delay of each other go out in one POST. */
  #addToBatch(number: NumberInfo, send: AcceptedSend, due: Due[], failure: ApiError | null) {
    due.forEach((item) => this.onStatus(send.record, item.stage))
    const statuses = due.map((item) => this.#metaStatus(number, send, item, failure))
    const batch = this.#batches.get(number.phoneNumberId)
    if (batch) {
      batch.statuses.push(...statuses)
      return
    }
    this.#batches.set(number.phoneNumberId, { statuses, number })
    this.#later(number.statusBehaviour.delayMs, () => {
      const ready = this.#batches.get(number.phoneNumberId)!
      this.#batches.delete(number.phoneNumberId)
      this.deliver(ready.number, metaEnvelope(ready.number, { statuses: ready.statuses }))
    })
  }

  #metaStatus(number: NumberInfo, send: AcceptedSend, item: Due, failure: ApiError | null) {
    const { record, category } = send
    const seconds = Math.floor(item.at / 1000)
    const status: Record<string, unknown> = { id: record.wamid, status: item.stage, timestamp: String(seconds), recipient_id: record.to }
    if (item.stage === 'sent' || item.stage === 'delivered') {
      const conversation = this.#conversation(number, record.to!, category, item.at)
      status.conversation = {
        id: conversation.id,
        ...(item.stage === 'sent' ? { expiration_timestamp: String(Math.floor(conversation.expires / 1000)) } : {}),
        origin: { type: category },
      }
      status.pricing = {
        billable: category !== 'service',
        pricing_model: 'PMP',
        category,
        type: category === 'service' ? 'free_customer_service' : 'regular',
      }
    }
    if (send.opaque) status.biz_opaque_callback_data = send.opaque
    if (failure) status.errors = [statusError(failure)]
    return status
  }

  /** A conversation lasts 24 h per customer and category, as Meta bills them. */
  #conversation(number: NumberInfo, to: string, category: string, at: number) {
    const key = `${number.phoneNumberId}:${to}:${category}`
    const current = this.#conversations.get(key)
    if (current && current.expires > at) return current
    const fresh = { id: this.random.hex(32), expires: at + 24 * 3600 * 1000 }
    this.#conversations.set(key, fresh)
    return fresh
  }

  #gupshupEvent(number: NumberInfo, send: AcceptedSend, item: Due, failure: ApiError | null) {
    const { record } = send
    const destination = record.to
    if (item.stage === 'enqueued') {
      const kind = record.type === 'template' ? 'template' : 'session'
      return gupshupEnvelope(number, 'message-event', {
        id: record.id,
        type: 'enqueued',
        destination,
        payload: { whatsappMessageId: record.wamid, type: kind },
      })
    }
    // Receivers must correlate on gsId ?? id: usually id is the wamid and gsId Gupshup's id; sometimes only id, Gupshup's.
    const ids = this.random.chance(0.25) ? { id: record.id } : { id: record.wamid, gsId: record.id }
    const seconds = Math.floor(item.at / 1000)
    if (item.stage === 'failed') {
      const code = GUPSHUP_CODES[failure!.code] ?? failure!.code
      return gupshupEnvelope(number, 'message-event', { ...ids, type: 'failed', destination, payload: { code, reason: failure!.details } })
    }
    // And ts sits inside the inner payload, or (sometimes) beside it.
    const outer = this.random.chance(0.3)
    return gupshupEnvelope(number, 'message-event', {
      ...ids,
      type: item.stage,
      destination,
      ...(outer ? { ts: seconds } : {}),
      payload: outer ? {} : { ts: seconds },
    })
  }

  #later(ms: number, run: () => void) {
    this.pending.add()
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      try {
        run()
      } finally {
        this.pending.done()
      }
    }, ms)
    this.#timers.add(timer)
  }

  clear() {
    this.#timers.forEach(clearTimeout)
    this.#timers.clear()
    this.#batches.clear()
    this.#conversations.clear()
  }
}
