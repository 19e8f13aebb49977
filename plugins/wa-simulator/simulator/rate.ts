/** At most `limit` events in any sliding `windowMs` (Meta's per-number throughput). */
export class SlidingWindow {
  #times: number[] = []

  constructor(
    readonly limit: number,
    readonly windowMs = 1000
  ) {}

  take(now = Date.now()) {
    while (this.#times.length && this.#times[0] <= now - this.windowMs) this.#times.shift()
    if (this.#times.length >= this.limit) return false
    this.#times.push(now)
    return true
  }
}

/**
 * Meta's pair rate limit: about one message per 6 s to the same customer, with a small
 * burst borrowed ahead (a token bucket per recipient).
 */
export class PairLimiter {
  #buckets = new Map<string, { tokens: number; at: number }>()

  constructor(
    readonly burst = 3,
    readonly refillMs = 6000
  ) {}

  take(recipient: string, now = Date.now()) {
    const bucket = this.#buckets.get(recipient) ?? { tokens: this.burst, at: now }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) / this.refillMs)
    bucket.at = now
    this.#buckets.set(recipient, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }
}
