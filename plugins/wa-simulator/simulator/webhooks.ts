/**
 * Webhook envelopes (Meta's, Gupshup's v2) and their delivery: one POST at a time per
 * number so order holds unless asked otherwise, bounded retries with backoff on anything
 * but 2xx, and a count of outstanding work for settle().
 */
import type { WebhookRequest } from './signing.js'
import type { NumberInfo } from './types.js'

/** Meta's envelope (Cloud API and 360dialog): `value` carries contacts + messages, or statuses. */
export function metaEnvelope(number: NumberInfo, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: number.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: number.displayPhone, phone_number_id: number.phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  }
}

/** Gupshup's v2 callback: `message`, `message-event` or `user-event`. */
export function gupshupEnvelope(number: NumberInfo, type: 'message' | 'message-event' | 'user-event', payload: Record<string, unknown>) {
  return { app: number.appName ?? number.phoneNumberId, timestamp: Date.now(), version: 2, type, payload }
}

/** Outstanding work (scheduled statuses, queued and retrying POSTs), so callers can wait for quiet. */
export class Pending {
  #count = 0
  #waiters: (() => void)[] = []

  get count() {
    return this.#count
  }

  add() {
    this.#count++
  }

  done() {
    this.#count = Math.max(0, this.#count - 1)
    if (this.#count === 0) this.#waiters.splice(0).forEach((wake) => wake())
  }

  reset() {
    this.#count = 0
    this.#waiters.splice(0).forEach((wake) => wake())
  }

  idle(timeoutMs: number) {
    if (this.#count === 0) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Simulator still has ${this.#count} webhook(s) pending after ${timeoutMs} ms`)), timeoutMs)
      this.#waiters.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }
}

export interface DeliveryResult {
  ok: boolean
  status: number | null
  error?: string
}

interface Job {
  request: WebhookRequest
  attempt: number
  first?: (result: DeliveryResult) => void
}

/** A receiver that hangs must not hold the queue forever. */
const ATTEMPT_TIMEOUT_MS = 10_000

export class WebhookDispatcher {
  readonly stats = { attempts: 0, delivered: 0, retried: 0, failed: 0 }
  #queues = new Map<string, Job[]>()
  #busy = new Set<string>()
  #timers = new Set<NodeJS.Timeout>()
  #abort = new AbortController()

  constructor(
    private pending: Pending,
    private retryDelaysMs: number[],
    private log: (line: string) => void
  ) {}

  /**
   * Queues a POST behind the key's earlier ones. Resolves with the first attempt's result;
   * failures are retried later in the background (so a retry arrives after newer webhooks, as with Meta).
   */
  post(key: string, request: WebhookRequest) {
    this.pending.add()
    return new Promise<DeliveryResult>((resolve) => this.#enqueue(key, { request, attempt: 0, first: resolve }))
  }

  #enqueue(key: string, job: Job) {
    const queue = this.#queues.get(key) ?? []
    queue.push(job)
    this.#queues.set(key, queue)
    void this.#drain(key, queue)
  }

  async #drain(key: string, queue: Job[]) {
    if (this.#busy.has(key)) return
    this.#busy.add(key)
    while (queue.length) {
      const job = queue.shift()!
      const result = await this.#attempt(job.request)
      job.first?.(result)
      if (result.ok) {
        this.stats.delivered++
        this.pending.done()
      } else if (job.attempt < this.retryDelaysMs.length && !this.#abort.signal.aborted) {
        this.stats.retried++
        const timer = setTimeout(() => {
          this.#timers.delete(timer)
          this.#enqueue(key, { request: job.request, attempt: job.attempt + 1 })
        }, this.retryDelaysMs[job.attempt])
        this.#timers.add(timer)
      } else {
        this.stats.failed++
        this.pending.done()
      }
    }
    this.#busy.delete(key)
    this.#queues.delete(key)
  }

  async #attempt(request: WebhookRequest): Promise<DeliveryResult> {
    this.stats.attempts++
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      })
      await response.arrayBuffer()
      this.log(`webhook ${response.status} ← POST ${request.url}`)
      return { ok: response.ok, status: response.status }
    } catch (error) {
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message
      this.log(`webhook failed (${reason}) ← POST ${request.url}`)
      return { ok: false, status: null, error: reason }
    }
  }

  /** Drops queued and retrying POSTs (reset) without stopping future ones. */
  clear() {
    this.#timers.forEach(clearTimeout)
    this.#timers.clear()
    for (const queue of this.#queues.values()) {
      queue.splice(0).forEach((job) => job.first?.({ ok: false, status: null, error: 'cancelled' }))
    }
  }

  close() {
    this.#abort.abort()
    this.clear()
  }
}
