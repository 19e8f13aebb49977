import redis from '@adonisjs/redis/services/main'
import type { LucidRow } from '@adonisjs/lucid/types/model'
import logger from '@adonisjs/core/services/logger'
import { pubsubChannel } from '#core/pubsub'

const FORGET_CHANNEL = pubsubChannel('sb:cache:forget')

interface Entry<V> {
  value: Promise<V>
  expiresAt: number
}

/**
 * Rows read on every request of a hot path (the channel of each webhook, say), kept in this
 * process for a short while instead of a query each time. Whoever changes such a row calls
 * `forget`: the key is dropped here at once and, through Redis pub/sub, in every other web and
 * worker process. The time limit bounds how stale a value can be if a message is missed.
 */
export class ProcessCache<V> {
  #entries = new Map<string, Entry<V>>()

  constructor(
    readonly name: string,
    private options: { ttlMs: number; maxEntries: number }
  ) {
    if (caches.has(name)) throw new Error(`A process cache named "${name}" exists already`)
    caches.set(name, this)
  }

  /** The cached value, or `load()`'s (shared by concurrent callers; a failed load is not kept). */
  get(key: string | number, load: () => Promise<V>): Promise<V> {
    const id = String(key)
    const now = Date.now()
    const cached = this.#entries.get(id)
    if (cached && cached.expiresAt > now) return cached.value
    if (this.#entries.size >= this.options.maxEntries) this.#entries.delete(this.#entries.keys().next().value!)
    const value = load()
    this.#entries.set(id, { value, expiresAt: now + this.options.ttlMs })
    value.catch(() => this.#entries.get(id)?.value === value && this.#entries.delete(id))
    return value
  }

  /** Drops the key here and in every other process. */
  async forget(key: string | number) {
    this.drop(String(key))
    await redis.publish(FORGET_CHANNEL, JSON.stringify([this.name, String(key)]))
  }

  /** Drops every key here and in every other process (for rare changes that touch many). */
  async forgetAll() {
    this.drop(null)
    await redis.publish(FORGET_CHANNEL, JSON.stringify([this.name, null]))
  }

  /**
   * For a model hook: forgets `key` (null: every key) now and, when the row was written in a
   * transaction, again once it commits — a read between the two may have cached the old row.
   */
  async forgetRow(model: LucidRow, key: string | number | null) {
    const forget = () => (key === null ? this.forgetAll() : this.forget(key))
    await forget()
    model.$trx?.after('commit', forget)
  }

  /** Drops `key` (null: all) in this process only. */
  drop(key: string | null) {
    if (key === null) this.#entries.clear()
    else this.#entries.delete(key)
  }
}

const caches = new Map<string, ProcessCache<unknown>>()
let subscribed: Promise<void> | null = null

/** Subscribes this process to the keys other processes forget (once; web and worker processes). Resolves once subscribed. */
export function listenForForgottenKeys() {
  subscribed ??= new Promise<void>((resolve, reject) => {
    // The connection's subscribe (not the manager's) says when the subscription is in place.
    redis.connection().subscribe(
      FORGET_CHANNEL,
      (message) => {
        try {
          const [name, key] = JSON.parse(message) as [string, string | null]
          caches.get(name)?.drop(key)
        } catch (error) {
          logger.warn({ err: error }, 'process cache: unreadable forget message')
        }
      },
      { onSubscription: () => resolve(), onError: reject }
    )
  })
  return subscribed
}
