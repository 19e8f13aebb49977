import { randomInt } from 'node:crypto'

/**
 * A seeded PRNG (mulberry32): with the same seed, a run makes the same ids, shuffles and
 * duplicates, so a failing test or benchmark can be replayed.
 */
export class Random {
  #state: number

  constructor(seed: number = randomInt(2 ** 31)) {
    this.#state = seed >>> 0
  }

  /** A float in [0, 1). */
  next() {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(maxExclusive: number) {
    return Math.floor(this.next() * maxExclusive)
  }

  chance(probability: number) {
    return probability > 0 && this.next() < probability
  }

  bytes(length: number) {
    return Buffer.from(Array.from({ length }, () => this.int(256)))
  }

  hex(length: number) {
    return this.bytes(Math.ceil(length / 2)).toString('hex').slice(0, length)
  }

  /** A numeric id like Meta's (no leading zero). */
  digits(length: number) {
    return String(1 + this.int(9)) + Array.from({ length: length - 1 }, () => this.int(10)).join('')
  }

  uuid() {
    const hex = this.hex(32)
    const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`
  }

  /** Meta's message ids are base64 of a protobuf that embeds the customer's number. */
  wamid(phone: string) {
    return `wamid.HBgL${Buffer.from(`${phone}\x15\x02\x00\x12\x18\x14${this.hex(20).toUpperCase()}\x00`).toString('base64')}`
  }

  shuffle<T>(items: T[]) {
    const copy = [...items]
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      ;[copy[i], copy[j]] = [copy[j], copy[i]]
    }
    return copy
  }
}
