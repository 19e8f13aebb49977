/**
 * One installed package's script in an isolated-vm isolate (one per installation, kept warm).
 * Runs in the sandbox runner child only (app/sandbox/runner_main.ts): the web and worker
 * processes never load isolated-vm (threat 6: some operations abort the whole process).
 *
 *   const sandbox = new Sandbox({ spec: { script, grants, limits }, invoke })
 *   const json = await sandbox.call('message.received', argsJson, callId)   // '[event]'; SandboxFault on any breach
 *
 * The script is an ES module whose only import, `switchboard:api`, is generated per installation
 * and exports only the capabilities the admin consented to (an ungranted `import { kv }` fails to
 * link, and the host refuses the call too). Across the boundary go JSON strings only: the api
 * module captures one async callback and removes it from globalThis before the script runs, so
 * the script never holds a Reference, an ExternalCopy or the ivm module. Capability calls leave
 * through `invoke`, which the runner forwards to the host process that made the call.
 *
 * Limits: memoryLimit on the isolate; per call a CPU budget (isolate.cpuTime, polled) and a wall
 * budget, both covering promises, which isolated-vm's own `timeout` does not; on a breach the
 * isolate is disposed and never reused (the next call loads a fresh one). Calls into one sandbox
 * are queued, so one installation cannot hog more than its own slot.
 */
import type ivm from 'isolated-vm'
import type { Capability, Limits } from '#marketplace/manifest'
import { CapabilityError, SandboxFault, type SandboxSpec } from '#sandbox/protocol'

const MAX_SOURCE_BYTES = 1_048_576
const WATCHDOG_MS = 5
/** Longest error message that leaves the isolate (a script could throw megabytes). */
const MAX_MESSAGE = 1000

/** At most `size` of the runner's jobs at once; the others wait their turn in order. */
class Slots {
  #running = 0
  #waiting: (() => void)[] = []

  constructor(readonly size: number) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#running < this.size) this.#running++
    else await new Promise<void>((resolve) => this.#waiting.push(resolve))
    try {
      return await job()
    } finally {
      // The slot passes straight to the next job waiting, if any.
      const next = this.#waiting.shift()
      if (next) next()
      else this.#running--
    }
  }
}

/**
 * Isolates loading at once: creating and compiling takes the runner's main thread, so a burst of
 * first calls (a restart, many workspaces at once) waits here instead of eating into each other's
 * start-up limit.
 */
const loads = new Slots(2)
/**
 * Calls inside isolates at once. isolated-vm counts a turn's wall time as CPU while it runs (see
 * #watch): with hundreds of calls in its hands, each turn waits for the main thread and would be
 * charged for it. Calls waiting here have not started their budgets.
 */
const turns = new Slots(8)

interface Watchdog {
  /** Counts CPU from this reading of the isolate's `cpuTime` (the call itself starts now). */
  cpuFrom(start: bigint): void
  stop(): void
}

export interface SandboxOptions {
  spec: SandboxSpec
  /** A capability call of the script during call `callId` (JSON arguments), answered with JSON or a refusal. */
  invoke(name: string, args: string, callId: number): Promise<string | undefined>
}

/** Exports of `switchboard:api`, each built on `invoke(name, args)`; only granted ones are generated. */
const API_EXPORTS: Record<Capability, string> = {
  log: `export const log = (...parts) => invoke('log', parts.map((part) => typeof part === 'string' ? part : JSON.stringify(part)))`,
  settings: `export const settings = { get: (key) => invoke('settings.get', [key]) }`,
  kv: `export const kv = { get: (key) => invoke('kv.get', [key]), set: (key, value) => invoke('kv.set', [key, value]), delete: (key) => invoke('kv.delete', [key]) }`,
  records: `export const records = { contacts: { get: (id) => invoke('records.contacts.get', [id]), addTag: (id, tag) => invoke('records.contacts.tag', [id, tag, true]), removeTag: (id, tag) => invoke('records.contacts.tag', [id, tag, false]) } }`,
  messages: `export const messages = { send: (conversationId, text) => invoke('messages.send', [conversationId, text]) }`,
  http: `export const http = { fetch: (url, init) => invoke('http.fetch', [url, init ?? {}]) }`,
  sleep: `export const sleep = (ms) => invoke('sleep', [ms])`,
}

function apiSource(grants: ReadonlySet<Capability>) {
  return [
    `const call = globalThis.__switchboard; delete globalThis.__switchboard`,
    `const pending = new Map(); let next = 0`,
    `const invoke = (name, args) => new Promise((resolve, reject) => { const id = ++next; pending.set(id, { resolve, reject }); call(name, JSON.stringify(args), id) })`,
    // The host settles a call through this export (it holds the Reference; the isolate never does).
    `export function settle(id, ok, out) { const p = pending.get(id); if (!p) return; pending.delete(id); ok ? p.resolve(out === undefined ? undefined : JSON.parse(out)) : p.reject(new Error(out)) }`,
    // Filters: \`return cancel('why')\` stops the operation (the host turns the marker into a cancellation).
    `export const cancel = (reason) => ({ $cancel: String(reason ?? '') })`,
    ...[...grants].map((name) => API_EXPORTS[name]),
  ].join('\n')
}

/**
 * The runner's entry into the script: calls the handler for a hook with its JSON arguments (an
 * array: [payload], or [value, context] for a filter) and answers JSON, checked against the payload limit inside the isolate (before anything is copied out).
 * Whatever the script throws leaves as a plain message: a thrown non-Error would not cross.
 */
const entrySource = (maxBytes: number) => `import handlers from 'script'
/** False while the script's top-level code has not finished (it awaits something). */
export function ready() { try { return handlers !== null } catch { return false } }
export async function dispatch(hook, json) {
  try {
    const handler = handlers == null ? undefined : handlers[hook]
    if (typeof handler !== 'function') throw new Error('the script exports no handler for ' + hook)
    const out = await handler.apply(handlers, JSON.parse(json))
    const answer = out === undefined ? undefined : JSON.stringify(out)
    if (answer !== undefined && answer.length > ${maxBytes}) throw new Error('the answer is ' + answer.length + ' bytes, over the ${maxBytes}-byte limit')
    return answer
  } catch (error) {
    throw new Error(error instanceof Error ? String(error.message).slice(0, ${MAX_MESSAGE}) : 'the script threw a ' + typeof error + ', not an Error')
  }
}`

export class Sandbox {
  readonly limits: Limits
  readonly #grants: ReadonlySet<Capability>
  #isolate: ivm.Isolate | undefined
  #dispatch: ivm.Reference<(hook: string, json: string) => Promise<string | undefined>> | undefined
  #loading: Promise<void> | undefined
  #queue: Promise<unknown> = Promise.resolve()
  /** The call running now: capabilities answer only then, on its behalf. */
  #running: number | undefined
  /** Why the current isolate was disposed by the watchdog (reported instead of isolated-vm's message). */
  #killed: SandboxFault | undefined

  constructor(readonly options: SandboxOptions) {
    this.limits = options.spec.limits
    this.#grants = new Set(options.spec.grants)
  }

  /** Runs the script's handler for `hook` on a JSON event; queued behind this sandbox's other calls. */
  call(hook: string, json: string, callId: number): Promise<string | undefined> {
    const run = this.#queue.then(() => this.#call(hook, json, callId))
    this.#queue = run.catch(() => {})
    return run
  }

  /** Heap used by the isolate now (bytes), or 0 when none is loaded. */
  heapUsed() {
    return this.#isolate && !this.#isolate.isDisposed ? this.#isolate.getHeapStatisticsSync().used_heap_size : 0
  }

  dispose() {
    if (this.#isolate && !this.#isolate.isDisposed) this.#isolate.dispose()
    this.#isolate = this.#dispatch = this.#loading = undefined
  }

  /**
   * The call's wall and CPU budgets start once its isolate is loaded: loading (start-up) has the
   * same wall limit of its own, and top-level code the CPU limit as a synchronous timeout.
   */
  async #call(hook: string, json: string, callId: number) {
    if (json.length > this.limits.payloadBytes) throw new SandboxFault('payload', `the event is ${json.length} bytes, over the ${this.limits.payloadBytes}-byte limit`)
    this.#running = callId
    this.#killed = undefined
    let watchdog: Watchdog | undefined
    try {
      if (!this.#dispatch) await (this.#loading ??= loads.run(() => this.#watched(() => this.#load())))
      return await turns.run(() => {
        watchdog = this.#watch(performance.now() + this.limits.wallMs)
        watchdog.cpuFrom(this.#isolate!.cpuTime)
        return this.#dispatch!.apply(undefined, [hook, json], { result: { promise: true, copy: true } })
      })
    } catch (error) {
      throw this.#fault(error)
    } finally {
      watchdog?.stop()
      this.#running = undefined
    }
  }

  async #watched(load: () => Promise<void>) {
    const watchdog = this.#watch(performance.now() + this.limits.wallMs)
    try {
      await load()
    } finally {
      watchdog.stop()
    }
  }

  /**
   * Polls CPU and wall time while a call runs; disposes the isolate on a breach.
   *
   * isolated-vm 5 adds the *wall* time of the isolate's current turn to `cpuTime` while it runs, so
   * a turn that waits (for the runner's main thread, or preempted on a busy machine) reads as CPU
   * spent. A breach counts only if the whole runner process used that much CPU since the call
   * started too, and calls enter isolates at most `turns.size` at a time.
   */
  #watch(deadline: number): Watchdog {
    let cpuStart: bigint | undefined
    let processStart: NodeJS.CpuUsage | undefined
    const budgetNs = BigInt(this.limits.cpuMs) * 1_000_000n
    const timer = setInterval(() => {
      const isolate = this.#isolate
      if (!isolate || isolate.isDisposed) return
      if (performance.now() > deadline) {
        this.#kill(new SandboxFault('timeout', `the call ran over its ${this.limits.wallMs} ms wall-time limit`))
      } else if (cpuStart !== undefined && isolate.cpuTime - cpuStart > budgetNs) {
        const processUsed = process.cpuUsage(processStart)
        if (BigInt(processUsed.user + processUsed.system) * 1000n >= budgetNs) {
          this.#kill(new SandboxFault('cpu', `the call used over its ${this.limits.cpuMs} ms of CPU time`))
        }
      }
    }, WATCHDOG_MS)
    return {
      cpuFrom: (start: bigint) => {
        cpuStart = start
        processStart = process.cpuUsage()
      },
      stop: () => clearInterval(timer),
    }
  }

  #kill(fault: SandboxFault) {
    this.#killed = fault
    this.dispose()
  }

  /** Any failure as a SandboxFault; a disposed isolate is never reused. */
  #fault(error: unknown): SandboxFault {
    const message = error instanceof Error ? error.message : String(error)
    let fault: SandboxFault
    if (error instanceof SandboxFault) fault = error
    else if (this.#killed) fault = this.#killed
    // An ArrayBuffer over the limit is refused rather than disposed; it is the same breach.
    else if (/memory limit|array buffer allocation failed/i.test(message)) fault = new SandboxFault('memory', `the script ran over its ${this.limits.memoryMb} MB memory limit`)
    else if (/timed out/i.test(message)) fault = new SandboxFault('timeout', `the call ran over its ${this.limits.wallMs} ms wall-time limit`)
    // Only the message crosses: a host stack trace would tell the script about the host.
    else fault = new SandboxFault('error', message.slice(0, MAX_MESSAGE))
    if (this.#isolate?.isDisposed || fault.kind !== 'error') this.dispose()
    return fault
  }

  async #load() {
    const { script } = this.options.spec
    if (Buffer.byteLength(script) > MAX_SOURCE_BYTES) throw new SandboxFault('load', `script.js is over ${MAX_SOURCE_BYTES} bytes`)
    const { default: ivm } = await import('isolated-vm')
    const isolate = new ivm.Isolate({ memoryLimit: this.limits.memoryMb })
    this.#isolate = isolate
    const context = await isolate.createContext()
    let settle: ivm.Reference<(id: number, ok: boolean, out: string | undefined) => void> | undefined
    // Synchronous and fire-and-forget on the isolate's side: the answer comes back through `settle`.
    const door = (name: string, args: string, id: number) => {
      this.#capability(name, args).then(
        (out) => settle?.apply(undefined, [id, true, out]).catch(() => {}),
        (error: Error) => settle?.apply(undefined, [id, false, error.message]).catch(() => {})
      )
    }
    await context.global.set('__switchboard', new ivm.Callback(door))
    const compile = async (source: string, filename: string) => {
      try {
        return await isolate.compileModule(source, { filename })
      } catch (error) {
        throw new SandboxFault('load', `${filename} does not compile: ${(error as Error).message}`)
      }
    }
    const api = await compile(apiSource(this.#grants), 'switchboard:api')
    const user = await compile(script, 'script.js')
    const entry = await compile(entrySource(this.limits.payloadBytes), 'switchboard:entry')
    const refuse = (specifier: string) => {
      throw new SandboxFault('load', `script.js may import only "switchboard:api", not "${specifier}"`)
    }
    try {
      await api.instantiate(context, refuse)
      await user.instantiate(context, (specifier) => (specifier === 'switchboard:api' ? api : refuse(specifier)))
      await entry.instantiate(context, (specifier) => (specifier === 'script' ? user : refuse(specifier)))
      // Top-level code runs under the call's CPU/wall watchdog and isolated-vm's synchronous timeout.
      await entry.evaluate({ timeout: this.limits.cpuMs })
    } catch (error) {
      if (error instanceof SandboxFault) throw error
      if (this.#killed) throw this.#killed
      throw new SandboxFault('load', `script.js does not load: ${(error as Error).message}`)
    }
    // isolated-vm hands out a module's namespace only after its own evaluate() (a no-op by now).
    await api.evaluate()
    settle = await api.namespace.get('settle', { reference: true })
    // isolated-vm does not wait for a top-level await: such a script never becomes ready.
    const ready = await entry.namespace.get('ready', { reference: true })
    if (!(await ready.apply(undefined, [], { timeout: this.limits.cpuMs }))) throw new SandboxFault('load', 'script.js does not finish its top-level code (top-level await is not supported)')
    this.#dispatch = await entry.namespace.get('dispatch', { reference: true })
  }

  /** The one door out of the isolate: a granted capability, JSON in and out, answered by the host. */
  async #capability(name: string, args: string): Promise<string | undefined> {
    const callId = this.#running
    if (callId === undefined) throw new CapabilityError('capabilities are available only while a hook runs')
    const capability = name.split('.')[0] as Capability
    if (!this.#grants.has(capability)) throw new CapabilityError(`the "${capability}" capability was not granted`)
    if (args.length > this.limits.payloadBytes) throw new CapabilityError(`the arguments are over the ${this.limits.payloadBytes}-byte limit`)
    return this.options.invoke(name, args, callId)
  }
}
