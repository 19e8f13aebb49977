import { PairLimiter, SlidingWindow } from './rate.js'
import type { Random } from './random.js'
import type { FaultResponse, NumberConfig, NumberInfo } from './types.js'

const MODES = ['cloud', '360dialog', 'gupshup']
const WINDOW_MS = 24 * 3600 * 1000

export class InvalidNumber extends Error {}

/** A number config checked and completed with defaults; throws InvalidNumber naming every problem otherwise. */
export function resolveNumber(config: NumberConfig, random: Random): NumberInfo {
  const problems: string[] = []
  if (!MODES.includes(config.mode)) problems.push(`mode must be one of ${MODES.join(', ')}`)
  if (typeof config.phoneNumberId !== 'string' || !/^[\w-]{1,64}$/.test(config.phoneNumberId)) {
    problems.push('phoneNumberId must be a string of letters, digits, _ or -')
  }
  const displayPhone = String(config.displayPhone ?? '').replace(/^\+/, '')
  if (!/^\d{5,15}$/.test(displayPhone)) problems.push('displayPhone must be E.164 digits')
  if (typeof config.webhookUrl !== 'string' || !/^https?:\/\//.test(config.webhookUrl) || !URL.canParse(config.webhookUrl)) {
    problems.push('webhookUrl must be an http(s) URL')
  }
  if (config.mode === 'cloud' && !config.accessToken) problems.push('a cloud number needs accessToken')
  if (config.mode !== 'cloud' && !config.apiKey) problems.push(`a ${config.mode} number needs apiKey`)
  const throughput = config.throughputPerSecond ?? 80
  if (!(throughput > 0)) problems.push('throughputPerSecond must be positive')
  if (problems.length) throw new InvalidNumber(`Number ${String(config.phoneNumberId)}: ${problems.join('; ')}`)

  const behaviour = config.statusBehaviour ?? {}
  const { templates: _templates, ...rest } = config
  return {
    ...rest,
    displayPhone,
    wabaId: config.wabaId ?? random.digits(15),
    throughputPerSecond: throughput,
    pairRateLimit: config.pairRateLimit ?? false,
    windowEnforcement: config.windowEnforcement ?? 'sync',
    statusBehaviour: {
      delivered: behaviour.delivered ?? true,
      read: behaviour.read ?? true,
      duplicates: Math.min(1, Math.max(0, behaviour.duplicates ?? 0)),
      shuffle: behaviour.shuffle ?? false,
      batch: behaviour.batch ?? false,
      delayMs: Math.max(0, behaviour.delayMs ?? 30),
    },
  }
}

/** A configured number and what it remembers: rate windows, customer windows, queued faults. */
export class SimNumber {
  readonly throughput: SlidingWindow
  readonly pairs: PairLimiter | null
  /** Customer digits → when they last wrote (ms): the 24-hour customer-service window. */
  readonly lastInbound: Map<string, number>
  readonly faults: FaultResponse[] = []

  constructor(
    readonly info: NumberInfo,
    lastInbound = new Map<string, number>()
  ) {
    this.throughput = new SlidingWindow(info.throughputPerSecond)
    this.pairs = info.pairRateLimit ? new PairLimiter() : null
    this.lastInbound = lastInbound
  }

  inWindow(customer: string, now = Date.now()) {
    const last = this.lastInbound.get(customer)
    return last !== undefined && now - last < WINDOW_MS
  }
}
