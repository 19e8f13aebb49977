/**
 * The hook bus: tapable hooks behind a small typed API, with one `register` interceptor that
 * wraps every tap in
 *
 *   - the workspace gate: a tap is skipped where its plugin is disabled (`setGate`; 'core' never is);
 *   - a deadline (default 2000 ms, `timeoutMs` per tap): a tap that runs over it has failed. No
 *     timer per tap: late completion is detected by its measured time, and hung taps are cut off
 *     by one shared ticker scanning per-timeout FIFO queues (deadlines in a queue only grow);
 *   - error containment: a failing action/bail tap is recorded, logged and skipped; a failing
 *     filter tap is skipped, then the hook's policy says whether the filter goes on or stops
 *     (a `failOpen` tap never stops it: sandboxed scripts' taps);
 *   - timing per tap (= per plugin and hook) in a fixed-size log-bucket histogram (p50/p99);
 *
 * and every emit runs under a re-entrancy depth limit (AsyncLocalStorage carries the chain).
 *
 *   hooks.define('message.beforeSend', { kind: 'filter', policy: 'stop', description: '…' })
 *   hooks.tap('member.joined', { plugin: 'crm', stage: 10 }, async ({ workspaceId, userId }) => {…})
 *   await hooks.emit('member.joined', { workspaceId: 1, userId: 2, role: 'agent', invitedById: null })
 *   const { cancelled, value } = await hooks.filter('message.beforeSend', message, { workspaceId: 1 })
 *   const answer = await hooks.ask('webhook.received:whatsapp-cloud', { workspaceId: null, body })
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { performance } from 'node:perf_hooks'
import { AsyncParallelHook, AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook, HookMap } from 'tapable'
import {
  coreHooks,
  type BailHook,
  type FilterHook,
  type FilterPolicy,
  type HookCatalogue,
  type HookKind,
  type Keyed,
} from '#hooks/catalogue'

/* ------------------------------------------------------------------ types from a catalogue */

type Awaitable<T> = T | Promise<T>
type Names<C> = keyof C & string
type KeyedNames<C> = { [N in Names<C>]: C[N] extends Keyed<any> ? N : never }[Names<C>]
type Callable<C, N extends Names<C>> = C[N] extends Keyed<any> ? `${N}:${string}` : N

/** Every name that can be tapped or emitted: the catalogue's names, keyed ones as `<name>:<key>`. */
export type HookName<C = HookCatalogue> = { [N in Names<C>]: Callable<C, N> }[Names<C>]

/** Names of the hooks of some kinds. */
export type HookNameOf<C, K extends HookKind> = {
  [N in Names<C>]: C[N] extends { kind: K } ? Callable<C, N> : never
}[Names<C>]

/** The hook (ActionHook, FilterHook, …) a name refers to. */
export type HookAt<C, N extends string> = N extends Names<C>
  ? C[N] extends Keyed<any>
    ? never
    : C[N]
  : N extends `${infer B}:${string}`
    ? B extends KeyedNames<C>
      ? C[B] extends Keyed<infer H>
        ? H
        : never
      : never
    : never

export type PayloadOf<C, N extends string> = HookAt<C, N> extends { payload: infer P } ? P : never
export type ValueOf<C, N extends string> = HookAt<C, N> extends FilterHook<infer V, any> ? V : never
export type ContextOf<C, N extends string> = HookAt<C, N> extends FilterHook<any, infer X> ? X : never
export type AnswerOf<C, N extends string> = HookAt<C, N> extends BailHook<any, infer A> ? A : never

/** The function a plugin taps with: filters get (value, context), the others the payload. */
export type TapFn<H> =
  H extends FilterHook<infer V, infer X>
    ? (value: V, context: X) => Awaitable<V | Cancellation | void>
    : H extends BailHook<infer P, infer A>
      ? (payload: P) => Awaitable<A | undefined | void>
      : H extends { payload: infer P }
        ? (payload: P) => unknown
        : never

/**
 * What a filter or bail hook accepts from a sandboxed marketplace script (whose result is plain
 * JSON from untrusted code). Filter and bail hooks without one are closed to sandboxed scripts;
 * action hooks are always open (their result is ignored).
 */
export interface SandboxCheck<I = any, O = any> {
  /** Translation key of the consent screen's line for a package tapping the hook, in plain words. */
  consent: string
  /**
   * The script's result (parsed JSON; undefined: it returned nothing) → the filter's new value
   * (undefined: unchanged) or the bail's answer (undefined: no answer). Throws when it is not
   * acceptable: the tap has then faulted. `input`: the filter's value or the bail's payload;
   * `plugin`: the tap's plugin name (`marketplace:<id>`).
   */
  accept(result: unknown, input: I, plugin: string): O | undefined
}

/** What `define` takes for a catalogue entry: its kind, and a policy for filters. */
export type HookDefinition<E> = {
  kind: E extends { kind: infer K } ? K : never
  description: string
  /** The plugin that provides the hook (for docs); 'core' by default. */
  plugin?: string
} & (E extends Keyed<any> ? { keyed: true } : { keyed?: false }) &
  (E extends { kind: 'filter' } ? { policy: FilterPolicy } : { policy?: undefined }) &
  (E extends FilterHook<infer V, any>
    ? { sandbox?: SandboxCheck<V, V> }
    : E extends BailHook<infer P, infer A>
      ? { sandbox?: SandboxCheck<P, A> }
      : { sandbox?: undefined })

export interface TapOptions {
  /** The plugin the tap belongs to: gating, diagnostics and logs go by it. */
  plugin: string
  /** Lower runs earlier (default 0); equal stages run in tap order. */
  stage?: number
  /** The tap's deadline (default: the bus's, 2000 ms). Running over it counts as a failure. */
  timeoutMs?: number
  /**
   * A failure of this tap is counted and skipped but never stops a filter, whatever the hook's
   * policy: sandboxed scripts' taps, so a broken third-party script cannot stop messages.
   */
  failOpen?: boolean
}

/** May `plugin` run for `workspaceId`? Must be synchronous and cheap (it runs for every tap call). */
export type Gate = (plugin: string, workspaceId: number | null) => boolean

export type FilterResult<V> =
  | { cancelled: false; value: V }
  | {
      cancelled: true
      /** The value as it was when the filter stopped. */
      value: V
      reason: string
      /** The plugin whose tap cancelled (or failed, under the 'stop' policy). */
      plugin: string
      /** True when the filter stopped because a tap failed, false when a tap cancelled. */
      failed: boolean
    }

export interface HookLogger {
  warn(details: object, message: string): void
}

export interface HookBusOptions {
  /** Where tap failures are logged (default: the app's logger, loaded when first needed). */
  logger?: HookLogger
  /** Deadline of taps that give none (ms, default 2000). */
  defaultTimeoutMs?: number
  /** Deepest allowed nesting of emits inside taps (default 8). Infinity turns the check off. */
  maxDepth?: number
  /** How often hung taps are looked for while taps are running (ms, default 10). */
  tickMs?: number
}

export interface TapDiagnostics {
  plugin: string
  stage: number
  timeoutMs: number
  /** Times the tap ran (skipped calls not included). */
  calls: number
  /** Times the gate skipped it (plugin disabled for the workspace). */
  skipped: number
  /** Failures: thrown errors, rejections and deadlines missed. */
  errors: number
  /** Of which deadlines missed. */
  timeouts: number
  p50Ms: number | null
  p99Ms: number | null
  lastError: { message: string; at: Date } | null
}

export interface HookDiagnostics extends Definition {
  /** Emits that reached taps (a hook without taps is not counted). */
  calls: number
  /** Filters: calls that ended cancelled (by a tap or by a failure under 'stop'). */
  cancelled: number
  /** Whole emit time, all taps. */
  p50Ms: number | null
  p99Ms: number | null
  taps: TapDiagnostics[]
}

/* ------------------------------------------------------------------ errors and cancel() */

/** Returned by a filter tap to cancel the operation: `return cancel('blocked by the spam filter')`. */
export class Cancellation {
  constructor(readonly reason: string) {}
}

export function cancel(reason: string) {
  return new Cancellation(reason)
}

export class HookDepthError extends Error {
  constructor(
    readonly hook: string,
    readonly limit: number,
    readonly chain: string[]
  ) {
    super(
      `Hook "${hook}" refused: emitting it would nest ${chain.length + 1} hooks deep, over the limit of ${limit} ` +
        `(${[...chain, hook].join(' → ')}). A tap that emits a hook whose taps emit hooks must stop somewhere.`
    )
    this.name = 'HookDepthError'
  }
}

export class HookTimeoutError extends Error {
  constructor(hook: string, plugin: string, timeoutMs: number, ranMs: number | null) {
    super(
      ranMs === null
        ? `Tap of "${plugin}" on "${hook}" did not finish within its ${timeoutMs} ms deadline and was cut off`
        : `Tap of "${plugin}" on "${hook}" took ${Math.round(ranMs)} ms, over its ${timeoutMs} ms deadline`
    )
    this.name = 'HookTimeoutError'
  }
}

/* ------------------------------------------------------------------ internals */

/** Log-bucket histogram: 16 buckets per doubling (≤ 2.2 % error), 1 ns to ~73 min; fixed 2.7 kB. */
export class Histogram {
  static readonly SUB = 16
  static readonly SIZE = 16 * 42
  readonly counts = new Uint32Array(Histogram.SIZE)
  total = 0

  record(ms: number) {
    const ns = ms * 1e6
    let index = ns < 1 ? 0 : Math.floor(Math.log2(ns) * Histogram.SUB)
    if (index >= Histogram.SIZE) index = Histogram.SIZE - 1
    this.counts[index]++
    this.total++
  }

  /** The value (ms) below which `fraction` of the recorded values lie; null when empty. */
  percentile(fraction: number): number | null {
    if (this.total === 0) return null
    const rank = Math.max(1, Math.ceil(fraction * this.total))
    let seen = 0
    for (let index = 0; index < Histogram.SIZE; index++) {
      seen += this.counts[index]
      if (seen >= rank) return 2 ** ((index + 0.5) / Histogram.SUB) / 1e6
    }
    return null
  }
}

class TapState {
  calls = 0
  skipped = 0
  errors = 0
  timeouts = 0
  lastError: { message: string; at: Date } | null = null
  readonly timing = new Histogram()
  readonly gated: boolean

  constructor(
    readonly plugin: string,
    readonly stage: number,
    readonly timeoutMs: number,
    readonly failOpen: boolean
  ) {
    this.gated = plugin !== 'core'
  }
}

interface Definition {
  name: string
  kind: HookKind
  policy: FilterPolicy | null
  description: string
  plugin: string
  keyed: boolean
  /** Filter and bail hooks open to sandboxed scripts: how their results are checked. */
  sandbox: SandboxCheck | null
}

/** The slice of a tapable hook the bus uses (the four kinds differ only in arity and result). */
interface Tapable {
  taps: Array<{ state?: TapState }>
  intercept(interceptor: object): void
  tapPromise(options: object, fn: (...args: any[]) => Promise<unknown>): void
  promise(...args: unknown[]): Promise<unknown>
}

class HookState {
  calls = 0
  cancelled = 0
  readonly timing = new Histogram()
  taps = 0

  constructor(
    readonly name: string,
    readonly definition: Definition,
    readonly tapable: Tapable
  ) {}
}

/** One emit in progress: what the taps need (workspace, filter outcome) and the nesting chain. */
class Frame {
  /** Filters: the value the current tap received. */
  value: unknown = undefined
  stop: { reason: string; plugin: string; failed: boolean } | undefined = undefined

  constructor(
    readonly hook: string,
    readonly workspaceId: number | null,
    readonly depth: number,
    readonly parent: Frame | undefined
  ) {}
}

/** The rejection that ends a filter early (cancel, or failure under 'stop'); never leaves the bus. */
const STOP = new (class StopSignal {})()
const UNDEFINED = Promise.resolve(undefined)

/** A running async tap, waiting to settle or to be cut off by the ticker. */
class Pending {
  done = false
  readonly deadline: number
  /** Links in its deadline queue while running. */
  queue: DeadlineQueue | null = null
  prev: Pending | null = null
  next: Pending | null = null

  constructor(
    readonly hook: HookState,
    readonly tap: TapState,
    readonly frame: Frame,
    readonly started: number,
    readonly resolve: (value: unknown) => void,
    readonly reject: (reason: unknown) => void
  ) {
    this.deadline = started + tap.timeoutMs
  }

  settle(outcome: unknown) {
    if (this.done) return
    this.done = true
    this.queue?.remove(this)
    if (outcome === STOP) this.reject(STOP)
    else this.resolve(outcome)
  }
}

/** The running taps of one timeout value, oldest first: their deadlines only grow. */
class DeadlineQueue {
  head: Pending | null = null
  tail: Pending | null = null

  push(pending: Pending) {
    pending.queue = this
    pending.prev = this.tail
    if (this.tail === null) this.head = pending
    else this.tail.next = pending
    this.tail = pending
  }

  remove(pending: Pending) {
    if (pending.prev === null) this.head = pending.next
    else pending.prev.next = pending.next
    if (pending.next === null) this.tail = pending.prev
    else pending.next.prev = pending.prev
    pending.queue = pending.prev = pending.next = null
  }
}

/**
 * The shared deadline clock: one interval, armed only while taps are running, for every tap.
 * A tap joins the queue of its timeout value when it starts and leaves it (O(1)) when it
 * settles, so the queues hold exactly the running taps, oldest first, and a tick looks at
 * their heads only.
 */
class DeadlineWheel {
  #queues = new Map<number, DeadlineQueue>()
  #timer: NodeJS.Timeout | undefined

  constructor(
    readonly tickMs: number,
    readonly expire: (pending: Pending, now: number) => void
  ) {}

  add(pending: Pending) {
    let queue = this.#queues.get(pending.tap.timeoutMs)
    if (queue === undefined) {
      queue = new DeadlineQueue()
      this.#queues.set(pending.tap.timeoutMs, queue)
    }
    queue.push(pending)
    if (this.#timer === undefined) this.#timer = setInterval(this.#tick, this.tickMs)
  }

  #tick = () => {
    const now = performance.now()
    let running = false
    for (const queue of this.#queues.values()) {
      while (queue.head !== null && queue.head.deadline <= now) {
        const pending = queue.head
        queue.remove(pending)
        this.expire(pending, now)
      }
      if (queue.head !== null) running = true
    }
    if (!running) {
      clearInterval(this.#timer)
      this.#timer = undefined
    }
  }
}

const chainStorage = new AsyncLocalStorage<Frame>()

let appLogger: Promise<HookLogger> | undefined
/** The app's logger, imported on first use so the bus also runs outside a booted app. */
const defaultLogger: HookLogger = {
  warn(details, message) {
    appLogger ??= import('@adonisjs/core/services/logger').then((module) => module.default)
    appLogger.then((logger) => logger.warn(details, message)).catch(() => {})
  },
}

const ACTIONS: readonly HookKind[] = ['action', 'parallel']
const FILTERS: readonly HookKind[] = ['filter']
const BAILS: readonly HookKind[] = ['bail']

function createTapable(kind: HookKind): Tapable {
  const hook =
    kind === 'action'
      ? new AsyncSeriesHook<[unknown, Frame]>(['payload', 'frame'])
      : kind === 'parallel'
        ? new AsyncParallelHook<[unknown, Frame]>(['payload', 'frame'])
        : kind === 'filter'
          ? new AsyncSeriesWaterfallHook<[unknown, unknown, Frame]>(['value', 'context', 'frame'])
          : new AsyncSeriesBailHook<[unknown, Frame], unknown>(['payload', 'frame'])
  return hook as unknown as Tapable
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function'
}

/* ------------------------------------------------------------------ the bus */

export class HookBus<C extends object = HookCatalogue> {
  #definitions = new Map<string, Definition>()
  /** Concrete hooks by full name (keyed ones as `<name>:<key>`, created by their first tap). */
  #hooks = new Map<string, HookState>()
  #families = new Map<string, HookMap<Tapable>>()
  #gate: Gate | null = null
  #logger: HookLogger
  #defaultTimeoutMs: number
  #maxDepth: number
  #wheel: DeadlineWheel

  constructor(options: HookBusOptions = {}) {
    this.#logger = options.logger ?? defaultLogger
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? 2000
    this.#maxDepth = options.maxDepth ?? 8
    this.#wheel = new DeadlineWheel(options.tickMs ?? 10, (pending, now) => {
      const { hook, tap } = pending
      pending.settle(
        this.#failed(hook, tap, pending.frame, now - pending.started, new HookTimeoutError(hook.name, tap.plugin, tap.timeoutMs, null), true)
      )
    })
  }

  /** Declares a hook of the catalogue at runtime: its kind (checked against the type), policy, description. */
  define<N extends Names<C>>(name: N, definition: HookDefinition<C[N]>): this {
    if (name.includes(':')) throw new Error(`Hook name "${name}" may not contain ":" (keyed hooks are defined once, with keyed: true)`)
    if (this.#definitions.has(name)) throw new Error(`Hook "${name}" is defined twice`)
    const { kind, description, plugin = 'core', keyed = false, sandbox = null } = definition as {
      kind: HookKind
      description: string
      plugin?: string
      keyed?: boolean
      sandbox?: SandboxCheck
    }
    if (!['action', 'parallel', 'filter', 'bail'].includes(kind)) throw new Error(`Hook "${name}": unknown kind "${kind}"`)
    const policy = (definition as { policy?: FilterPolicy }).policy ?? null
    if (kind === 'filter' && policy !== 'continue' && policy !== 'stop') {
      throw new Error(`Filter hook "${name}" must declare policy 'continue' or 'stop' (what happens when a tap fails)`)
    }
    if (kind !== 'filter' && policy !== null) throw new Error(`Hook "${name}": only filters have a policy`)
    if (sandbox !== null && kind !== 'filter' && kind !== 'bail') throw new Error(`Hook "${name}": only filter and bail hooks check sandboxed results`)
    const def: Definition = { name, kind, policy, description, plugin, keyed, sandbox }
    this.#definitions.set(name, def)
    if (keyed) {
      this.#families.set(name, new HookMap((key: string) => this.#create(`${name}:${key}`, def)))
    } else {
      this.#create(name, def)
    }
    return this
  }

  /** Who may run where. Set once at boot by the plugin host; 'core' taps are never gated. */
  setGate(gate: Gate | null) {
    this.#gate = gate
  }

  /** Taps a hook. Taps cannot be removed: a disabled plugin's taps are skipped by the gate. */
  tap<N extends HookName<C>>(name: N, options: TapOptions | string, fn: TapFn<HookAt<C, N>>): void {
    const { plugin, stage = 0, timeoutMs = this.#defaultTimeoutMs, failOpen = false } = typeof options === 'string' ? { plugin: options } : options
    if (typeof plugin !== 'string' || plugin === '') throw new Error(`A tap on "${name}" must name its plugin`)
    if (!Number.isFinite(stage)) throw new Error(`Tap of "${plugin}" on "${name}": stage must be a finite number`)
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new Error(`Tap of "${plugin}" on "${name}": timeoutMs must be a positive number`)
    if (typeof fn !== 'function') throw new Error(`Tap of "${plugin}" on "${name}" is not a function`)
    const hook = this.#hooks.get(name) ?? this.#family(name, 'tap')
    hook.tapable.tapPromise({ name: plugin, stage, state: new TapState(plugin, stage, timeoutMs, failOpen) }, fn as (...args: any[]) => any)
    hook.taps++
  }

  /** Runs an action (or parallel) hook. Never rejects because of a tap: tap errors are contained. */
  emit<N extends HookNameOf<C, 'action' | 'parallel'>>(name: N, payload: PayloadOf<C, N>): Promise<void> {
    const hook = this.#find(name, ACTIONS, 'emit')
    if (hook instanceof Error) return Promise.reject(hook)
    if (hook === undefined || hook.taps === 0) return UNDEFINED as Promise<void>
    return this.#enter(hook, (payload as { workspaceId?: number | null }).workspaceId, (frame) => this.#run(hook, frame, payload)) as Promise<void>
  }

  /** Runs a filter hook: the value after every tap, or where and why it was cancelled. */
  filter<N extends HookNameOf<C, 'filter'>>(name: N, value: ValueOf<C, N>, context: ContextOf<C, N>): Promise<FilterResult<ValueOf<C, N>>> {
    const hook = this.#find(name, FILTERS, 'filter')
    if (hook instanceof Error) return Promise.reject(hook)
    if (hook === undefined || hook.taps === 0) return Promise.resolve({ cancelled: false, value })
    return this.#enter(hook, (context as { workspaceId?: number | null }).workspaceId, async (frame) => {
      try {
        return { cancelled: false, value: (await this.#run(hook, frame, value, context)) as ValueOf<C, N> }
      } catch (error) {
        if (error !== STOP || frame.stop === undefined) throw error
        hook.cancelled++
        return { cancelled: true, value: frame.value as ValueOf<C, N>, ...frame.stop }
      }
    })
  }

  /** Runs a bail hook: the first answer (anything but undefined), or undefined when no tap answers. */
  ask<N extends HookNameOf<C, 'bail'>>(name: N, payload: PayloadOf<C, N>): Promise<AnswerOf<C, N> | undefined> {
    const hook = this.#find(name, BAILS, 'ask')
    if (hook instanceof Error) return Promise.reject(hook)
    if (hook === undefined || hook.taps === 0) return UNDEFINED
    return this.#enter(hook, (payload as { workspaceId?: number | null }).workspaceId, (frame) => this.#run(hook, frame, payload)) as Promise<
      AnswerOf<C, N> | undefined
    >
  }

  /** Every defined hook, for docs: name, kind, policy, description, providing plugin. */
  definitions() {
    return [...this.#definitions.values()].sort((a, b) => a.name.localeCompare(b.name)).map((def) => ({ ...def }))
  }

  /** Every hook with its taps in run order and their numbers, for the diagnostics page. */
  diagnostics(): HookDiagnostics[] {
    const rows: HookDiagnostics[] = []
    for (const def of this.definitions()) {
      const concrete = def.keyed ? [...this.#hooks.values()].filter((hook) => hook.definition.name === def.name) : [this.#hooks.get(def.name)!]
      if (concrete.length === 0) {
        rows.push({ ...def, name: `${def.name}:*`, calls: 0, cancelled: 0, p50Ms: null, p99Ms: null, taps: [] })
      }
      for (const hook of concrete.sort((a, b) => a.name.localeCompare(b.name))) {
        rows.push({
          ...def,
          name: hook.name,
          calls: hook.calls,
          cancelled: hook.cancelled,
          p50Ms: hook.timing.percentile(0.5),
          p99Ms: hook.timing.percentile(0.99),
          taps: hook.tapable.taps.map(({ state }) => ({
            plugin: state!.plugin,
            stage: state!.stage,
            timeoutMs: state!.timeoutMs,
            calls: state!.calls,
            skipped: state!.skipped,
            errors: state!.errors,
            timeouts: state!.timeouts,
            p50Ms: state!.timing.percentile(0.5),
            p99Ms: state!.timing.percentile(0.99),
            lastError: state!.lastError && { ...state!.lastError },
          })),
        })
      }
    }
    return rows
  }

  /* ---------------------------------------------------------------- internals */

  #create(name: string, definition: Definition): Tapable {
    const tapable = createTapable(definition.kind)
    const hook = new HookState(name, definition, tapable)
    const bus = this
    // The one interceptor: every tap's function is replaced by the bus's wrapper around it.
    tapable.intercept({
      name: 'switchboard-hook-bus',
      register(tap: { fn: (...args: any[]) => unknown; state: TapState }) {
        const fn = tap.fn
        const state = tap.state
        tap.fn =
          definition.kind === 'filter'
            ? (value: unknown, context: unknown, frame: Frame) => bus.#call(hook, state, fn, value, context, frame)
            : (payload: unknown, frame: Frame) => bus.#call(hook, state, fn, payload, undefined, frame)
        return tap
      },
    })
    this.#hooks.set(name, hook)
    return tapable
  }

  /** A keyed hook `<name>:<key>`: created when tapped; an emit to a key nobody tapped finds nothing. */
  #family(name: string, use: 'tap'): HookState
  #family(name: string, use: 'emit'): HookState | undefined
  #family(name: string, use: 'tap' | 'emit'): HookState | undefined {
    const colon = name.indexOf(':')
    const family = colon > 0 ? this.#families.get(name.slice(0, colon)) : undefined
    if (family === undefined || colon === name.length - 1) {
      const base = colon > 0 ? name.slice(0, colon) : name
      const hint = this.#families.has(name)
        ? ` It is keyed: use "${name}:<key>".`
        : this.#definitions.has(base)
          ? ` "${base}" is not keyed.`
          : ' Is the plugin that provides it in your requires, and loaded first?'
      throw new Error(`Unknown hook "${name}".${hint}`)
    }
    if (use === 'emit') return this.#hooks.get(name)
    family.for(name.slice(colon + 1))
    return this.#hooks.get(name)!
  }

  /** The hook to run (undefined: a key nobody tapped), or the error to reject with. */
  #find(name: string, kinds: readonly HookKind[], method: string): HookState | undefined | Error {
    let hook = this.#hooks.get(name)
    if (hook === undefined) {
      try {
        hook = this.#family(name, 'emit')
      } catch (error) {
        return error as Error
      }
    }
    const kind = hook?.definition.kind ?? this.#definitions.get(name.slice(0, name.indexOf(':')))!.kind
    if (!kinds.includes(kind)) {
      const right = kind === 'filter' ? 'filter' : kind === 'bail' ? 'ask' : 'emit'
      return new Error(`"${name}" is a ${kind} hook: use hooks.${right}(), not hooks.${method}()`)
    }
    return hook
  }

  /** Opens a frame under the depth limit and runs `body` in it. */
  #enter<T>(hook: HookState, workspaceId: number | null | undefined, body: (frame: Frame) => Promise<T>): Promise<T> {
    if (this.#maxDepth === Infinity) return body(new Frame(hook.name, workspaceId ?? null, 0, undefined))
    const parent = chainStorage.getStore()
    const depth = parent === undefined ? 1 : parent.depth + 1
    if (depth > this.#maxDepth) {
      const chain: string[] = []
      for (let frame = parent; frame !== undefined; frame = frame.parent) chain.unshift(frame.hook)
      return Promise.reject(new HookDepthError(hook.name, this.#maxDepth, chain))
    }
    const frame = new Frame(hook.name, workspaceId ?? null, depth, parent)
    return chainStorage.run(frame, body, frame)
  }

  async #run(hook: HookState, frame: Frame, ...args: unknown[]): Promise<unknown> {
    hook.calls++
    const started = performance.now()
    try {
      return await hook.tapable.promise(...args, frame)
    } finally {
      hook.timing.record(performance.now() - started)
    }
  }

  /** The wrapper around every tap call. Returns what tapable should see. */
  #call(hook: HookState, tap: TapState, fn: (...args: any[]) => unknown, a: unknown, b: unknown, frame: Frame): Promise<unknown> {
    if (tap.gated && this.#gate !== null && !this.#allows(hook, tap, frame)) {
      tap.skipped++
      return UNDEFINED
    }
    tap.calls++
    const isFilter = hook.definition.kind === 'filter'
    if (isFilter) frame.value = a
    const started = performance.now()
    let result: unknown
    try {
      result = isFilter ? fn(a, b) : fn(a)
    } catch (error) {
      return settled(this.#failed(hook, tap, frame, performance.now() - started, error, false))
    }
    if (isThenable(result)) {
      return new Promise((resolve, reject) => {
        const pending = new Pending(hook, tap, frame, started, resolve, reject)
        result.then(
          (value) => pending.done || pending.settle(this.#succeeded(hook, tap, frame, performance.now() - started, value)),
          (error) => pending.done || pending.settle(this.#failed(hook, tap, frame, performance.now() - started, error, false))
        )
        this.#wheel.add(pending)
      })
    }
    return settled(this.#succeeded(hook, tap, frame, performance.now() - started, result))
  }

  #allows(hook: HookState, tap: TapState, frame: Frame) {
    try {
      return this.#gate!(tap.plugin, frame.workspaceId)
    } catch (error) {
      tap.errors++
      tap.lastError = { message: `The gate failed, tap skipped: ${describe(error)}`, at: new Date() }
      try {
        this.#logger.warn({ hook: hook.name, plugin: tap.plugin, workspaceId: frame.workspaceId, err: error }, tap.lastError.message)
      } catch {
        // a broken logger must not break the bus
      }
      return false
    }
  }

  #succeeded(hook: HookState, tap: TapState, frame: Frame, ms: number, result: unknown): unknown {
    if (ms > tap.timeoutMs) return this.#failed(hook, tap, frame, ms, new HookTimeoutError(hook.name, tap.plugin, tap.timeoutMs, ms), true)
    tap.timing.record(ms)
    const kind = hook.definition.kind
    if (kind === 'filter') {
      if (result instanceof Cancellation) {
        frame.stop = { reason: result.reason, plugin: tap.plugin, failed: false }
        return STOP
      }
      return result
    }
    return kind === 'bail' ? result : undefined
  }

  #failed(hook: HookState, tap: TapState, frame: Frame, ms: number, error: unknown, timedOut: boolean): unknown {
    tap.timing.record(ms)
    tap.errors++
    if (timedOut) tap.timeouts++
    const message = describe(error)
    tap.lastError = { message, at: new Date() }
    try {
      this.#logger.warn(
        { hook: hook.name, plugin: tap.plugin, workspaceId: frame.workspaceId, err: error },
        `hook tap failed (${tap.plugin} on ${hook.name}): ${message}`
      )
    } catch {
      // a broken logger must not break the bus
    }
    if (hook.definition.policy === 'stop' && !tap.failOpen) {
      frame.stop = { reason: `Tap of "${tap.plugin}" failed: ${message}`, plugin: tap.plugin, failed: true }
      return STOP
    }
    return undefined
  }
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error)
  } catch {
    return 'unprintable error'
  }
}

function settled(outcome: unknown): Promise<unknown> {
  if (outcome === STOP) return Promise.reject(STOP)
  return outcome === undefined ? UNDEFINED : Promise.resolve(outcome)
}

/** The app's bus, with the core hooks defined. Plugins tap it; the plugin host sets its gate. */
export const hooks = new HookBus()
for (const [name, definition] of Object.entries(coreHooks)) {
  hooks.define(name as keyof typeof coreHooks, definition as HookDefinition<HookCatalogue[keyof typeof coreHooks]>)
}
