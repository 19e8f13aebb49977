/**
 * The plugin page's numbers for one installation, gathered in Redis from every process: each web
 * and worker process runs its own sandbox runner, so each counts the calls its own hooks made.
 * A process keeps what happened since its last flush (calls as histogram buckets, faults, the last
 * fault, log lines) and adds it to Redis at most every FLUSH_MS; reading flushes this process's
 * share first, so the page is current for the answering process and at most ~2 s late for the
 * others. Heaps are per process (each has its own warm isolate): every flush writes this process's
 * figure with the time, and a reading sums the ones fresher than HEAP_FRESH_MS.
 */
import { hostname } from 'node:os'
import redis from '@adonisjs/redis/services/main'
import { Histogram } from '#hooks/bus'
import type { FaultKind } from '#sandbox/protocol'

export const FLUSH_MS = 2000
const HEAP_FRESH_MS = 60_000
export const MAX_LOG_LINES = 200
const PROCESS = `${hostname()}:${process.pid}`

export interface LastFault {
  kind: FaultKind
  message: string
  at: Date
}

export interface GatheredMetrics {
  calls: number
  faults: number
  lastFault: LastFault | null
  p50Ms: number | null
  p99Ms: number | null
  heapBytes: number
  logs: string[]
}

/** What one installation did in this process since the last flush. */
class Delta {
  timings = new Histogram()
  faults = 0
  lastFault: LastFault | null = null
  logs: string[] = []
}

const keys = (packageId: string, workspaceId: number) => {
  const base = `${workspaceId}:${packageId}`
  return { counts: `mkt:metrics:${base}`, logs: `mkt:logs:${base}`, heaps: `mkt:heaps:${base}` }
}

export class MetricsGatherer {
  #deltas = new Map<string, { packageId: string; workspaceId: number; delta: Delta }>()
  #timer: NodeJS.Timeout | undefined
  #flushing: Promise<void> = Promise.resolve()

  /**
   * @param heaps this process's warm isolates' heaps by installation (asked from its runner at
   *   flush time), keyed as `heapKey` names them.
   */
  constructor(
    readonly heaps: () => Promise<Map<string, number>>,
    readonly heapKey: (packageId: string, workspaceId: number) => string | undefined
  ) {}

  call(packageId: string, workspaceId: number, ms: number) {
    this.#delta(packageId, workspaceId).timings.record(ms)
  }

  fault(packageId: string, workspaceId: number, fault: LastFault) {
    const delta = this.#delta(packageId, workspaceId)
    delta.faults++
    delta.lastFault = fault
  }

  log(packageId: string, workspaceId: number, line: string) {
    const { logs } = this.#delta(packageId, workspaceId)
    if (logs.push(line) > MAX_LOG_LINES) logs.shift()
  }

  /** Writes every pending delta to Redis (one flush at a time, in order). */
  flush(): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const pending = [...this.#deltas.values()]
    this.#deltas.clear()
    this.#flushing = this.#flushing.then(() => (pending.length ? this.#write(pending) : undefined))
    return this.#flushing
  }

  /** Every process's numbers for one installation (this process's pending ones included). */
  async read(packageId: string, workspaceId: number, ownHeap: number): Promise<GatheredMetrics> {
    await this.flush()
    const key = keys(packageId, workspaceId)
    const [counts, logs, heaps] = await Promise.all([redis.hgetall(key.counts), redis.lrange(key.logs, 0, -1), redis.hgetall(key.heaps)])
    const timings = new Histogram()
    for (const [field, value] of Object.entries(counts)) {
      if (!field.startsWith('b')) continue
      timings.counts[Number(field.slice(1))] = Number(value)
      timings.total += Number(value)
    }
    const lastFault = counts.lastFault ? (JSON.parse(counts.lastFault) as { kind: FaultKind; message: string; at: string }) : null
    // This process's heap is asked now; the others' as they last flushed, if recent.
    let heapBytes = ownHeap
    for (const [owner, value] of Object.entries(heaps)) {
      const { bytes, at } = JSON.parse(value) as { bytes: number; at: number }
      if (owner !== PROCESS && at > Date.now() - HEAP_FRESH_MS) heapBytes += bytes
    }
    return {
      calls: timings.total,
      faults: Number(counts.faults ?? 0),
      lastFault: lastFault && { ...lastFault, at: new Date(lastFault.at) },
      p50Ms: timings.percentile(0.5),
      p99Ms: timings.percentile(0.99),
      heapBytes,
      logs,
    }
  }

  /** Forgets an installation's numbers everywhere (installed afresh, or uninstalled). */
  async reset(packageId: string, workspaceId: number) {
    this.#deltas.delete(`${workspaceId}:${packageId}`)
    const key = keys(packageId, workspaceId)
    await redis.del(key.counts, key.logs, key.heaps)
  }

  #delta(packageId: string, workspaceId: number) {
    const id = `${workspaceId}:${packageId}`
    let entry = this.#deltas.get(id)
    if (!entry) {
      entry = { packageId, workspaceId, delta: new Delta() }
      this.#deltas.set(id, entry)
    }
    // Unref'd: metrics never keep a process alive; a process that ends loses at most FLUSH_MS of them.
    this.#timer ??= setTimeout(() => this.flush().catch(() => {}), FLUSH_MS).unref()
    return entry.delta
  }

  async #write(pending: Array<{ packageId: string; workspaceId: number; delta: Delta }>) {
    const heaps = await this.heaps()
    const multi = redis.multi()
    for (const { packageId, workspaceId, delta } of pending) {
      const key = keys(packageId, workspaceId)
      delta.timings.counts.forEach((count, index) => count && multi.hincrby(key.counts, `b${index}`, count))
      if (delta.faults) multi.hincrby(key.counts, 'faults', delta.faults)
      if (delta.lastFault) multi.hset(key.counts, 'lastFault', JSON.stringify(delta.lastFault))
      if (delta.logs.length) multi.rpush(key.logs, ...delta.logs).ltrim(key.logs, -MAX_LOG_LINES, -1)
      const heapKey = this.heapKey(packageId, workspaceId)
      const bytes = heapKey === undefined ? undefined : heaps.get(heapKey)
      if (bytes !== undefined) multi.hset(key.heaps, PROCESS, JSON.stringify({ bytes, at: Date.now() }))
    }
    await multi.exec()
  }
}
