/**
 * One installed package's script in an isolated-vm isolate (one per installation, kept warm).
 *
 *   const sandbox = new Sandbox({ manifest, script, grants, host })
 *   const answer = await sandbox.call('message.received', payload)   // SandboxFault on any breach
 *
 * The script is an ES module whose only import, `switchboard:api`, is generated per installation
 * and exports only the capabilities the admin consented to (an ungranted `import { kv }` fails to
 * link, and the host refuses the call too). Across the boundary go JSON strings only: the api
 * module captures one async callback and removes it from globalThis before the script runs, so
 * the script never holds a Reference, an ExternalCopy or the ivm module.
 *
 * Limits: memoryLimit on the isolate; per call a CPU budget (isolate.cpuTime, polled) and a wall
 * budget, both covering promises, which isolated-vm's own `timeout` does not; on a breach the
 * isolate is disposed and never reused (the next call loads a fresh one). Calls into one sandbox
 * are queued, so one installation cannot hog more than its own slot.
 *
 * isolated-vm (a native addon) is loaded on the first isolate, not on import: start/plugins.ts
 * reaches this file through the marketplace runtime in every web and worker process, most of
 * which never run a package.
 */
import type ivm from 'isolated-vm'
import { PLATFORM_LIMITS, limitsOf, type Capability, type Limits, type Manifest } from '#marketplace/manifest'
import type { CapabilityHost } from '#sandbox/capabilities'

const MAX_SOURCE_BYTES = 1_048_576
const WATCHDOG_MS = 5

export class SandboxFault extends Error {
  constructor(
    readonly kind: 'timeout' | 'cpu' | 'memory' | 'error' | 'load' | 'payload',
    message: string
  ) {
    super(message)
    this.name = 'SandboxFault'
  }
}

/** A refusal from a capability (not granted, over quota, origin not declared): the script sees it as an Error. */
export class CapabilityError extends Error {
  name = 'CapabilityError'
}

export interface SandboxOptions {
  manifest: Manifest
  script: string
  /** The capabilities the admin consented to (a subset of the manifest's). */
  grants: ReadonlySet<Capability>
  host: CapabilityHost
}

/** Per-call budget, shared with the capability host (sub-requests, wall deadline). */
export interface CallBudget {
  deadline: number
  subrequests: number
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
    ...[...grants].map((name) => API_EXPORTS[name]),
  ].join('\n')
}

/** The host's entry: calls the script's handler for a hook with a JSON payload, answers JSON. */
const ENTRY_SOURCE = `import handlers from 'script'
export async function dispatch(hook, json) {
  const handler = handlers == null ? undefined : handlers[hook]
  if (typeof handler !== 'function') throw new Error('the script exports no handler for ' + hook)
  const out = await handler.call(handlers, JSON.parse(json))
  return out === undefined ? undefined : JSON.stringify(out)
}`

/** JSON.parse that drops `__proto__` / `constructor` / `prototype` keys (threat 10) and caps the size. */
export function parseFromSandbox(json: unknown, maxBytes = PLATFORM_LIMITS.payloadBytes): unknown {
  if (json === undefined) return undefined
  if (typeof json !== 'string') throw new SandboxFault('payload', 'the script returned something that is not JSON')
  if (json.length > maxBytes) throw new SandboxFault('payload', `the script's value is ${json.length} bytes, over the ${maxBytes}-byte limit`)
  return JSON.parse(json, (key, value) => (key === '__proto__' || key === 'constructor' || key === 'prototype' ? undefined : value))
}

function toJson(value: unknown, what: string) {
  const json = JSON.stringify(value ?? null)
  if (json.length > PLATFORM_LIMITS.payloadBytes) throw new SandboxFault('payload', `${what} is ${json.length} bytes, over the ${PLATFORM_LIMITS.payloadBytes}-byte limit`)
  return json
}

export class Sandbox {
  readonly limits: Limits
  #isolate: ivm.Isolate | undefined
  #dispatch: ivm.Reference<(hook: string, json: string) => Promise<string | undefined>> | undefined
  #loading: Promise<void> | undefined
  #queue: Promise<unknown> = Promise.resolve()
  #budget: CallBudget | undefined
  /** Why the current isolate was disposed by the watchdog (reported instead of isolated-vm's message). */
  #killed: SandboxFault | undefined
  loads = 0

  constructor(readonly options: SandboxOptions) {
    this.limits = limitsOf(options.manifest)
    if (Buffer.byteLength(options.script) > MAX_SOURCE_BYTES) throw new SandboxFault('load', `script.js is over ${MAX_SOURCE_BYTES} bytes`)
  }

  /** Runs the script's handler for `hook`; queued behind this sandbox's other calls. */
  call(hook: string, payload: unknown): Promise<unknown> {
    const run = this.#queue.then(() => this.#call(hook, payload))
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

  async #call(hook: string, payload: unknown) {
    const json = toJson(payload, 'the event')
    const budget: CallBudget = { deadline: performance.now() + this.limits.wallMs, subrequests: this.limits.subrequests }
    this.#budget = budget
    this.#killed = undefined
    const watchdog = this.#watch(budget)
    try {
      await (this.#loading ??= this.#load())
      const isolate = this.#isolate!
      const startCpu = isolate.cpuTime
      watchdog.cpuFrom(startCpu)
      const out = await this.#dispatch!.apply(undefined, [hook, json], { result: { promise: true, copy: true }, timeout: this.limits.wallMs })
      return parseFromSandbox(out)
    } catch (error) {
      throw this.#fault(error)
    } finally {
      watchdog.stop()
      this.#budget = undefined
    }
  }

  /** Polls CPU and wall time while a call runs; disposes the isolate on a breach. */
  #watch(budget: CallBudget) {
    let cpuStart: bigint | undefined
    const timer = setInterval(() => {
      const isolate = this.#isolate
      if (!isolate || isolate.isDisposed) return
      if (performance.now() > budget.deadline) {
        this.#kill(new SandboxFault('timeout', `the call ran over its ${this.limits.wallMs} ms wall-time limit`))
      } else if (cpuStart !== undefined && isolate.cpuTime - cpuStart > BigInt(this.limits.cpuMs) * 1_000_000n) {
        this.#kill(new SandboxFault('cpu', `the call used over its ${this.limits.cpuMs} ms of CPU time`))
      }
    }, WATCHDOG_MS)
    return {
      cpuFrom: (start: bigint) => (cpuStart = start),
      stop: () => clearInterval(timer),
    }
  }

  #kill(fault: SandboxFault) {
    this.#killed = fault
    this.dispose()
  }

  /** Any failure as a SandboxFault; a disposed isolate is never reused. */
  #fault(error: unknown): SandboxFault {
    if (error instanceof SandboxFault) return error
    const message = error instanceof Error ? error.message : String(error)
    let fault: SandboxFault
    if (this.#killed) fault = this.#killed
    else if (/memory limit/i.test(message)) fault = new SandboxFault('memory', `the script ran over its ${this.limits.memoryMb} MB memory limit`)
    else if (/timed out/i.test(message)) fault = new SandboxFault('timeout', `the call ran over its ${this.limits.wallMs} ms wall-time limit`)
    // Only the message crosses: a host stack trace would tell the script about the host.
    else fault = new SandboxFault('error', message)
    if (this.#isolate?.isDisposed || fault.kind !== 'error') this.dispose()
    return fault
  }

  async #load() {
    this.loads++
    const { grants, script } = this.options
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
    const api = await compile(apiSource(grants), 'switchboard:api')
    const user = await compile(script, 'script.js')
    const entry = await compile(ENTRY_SOURCE, 'switchboard:entry')
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
      throw new SandboxFault('load', `script.js does not load: ${(error as Error).message}`)
    }
    // isolated-vm hands out a module's namespace only after its own evaluate() (a no-op by now).
    await api.evaluate()
    settle = await api.namespace.get('settle', { reference: true })
    this.#dispatch = await entry.namespace.get('dispatch', { reference: true })
  }

  /** The one door out of the isolate: a granted capability, JSON in and out. */
  async #capability(name: string, argsJson: string): Promise<string | undefined> {
    const budget = this.#budget
    if (!budget) throw new CapabilityError('capabilities are available only while a hook runs')
    const capability = name.split('.')[0] as Capability
    if (!this.options.grants.has(capability)) throw new CapabilityError(`the "${capability}" capability was not granted`)
    const args = parseFromSandbox(argsJson)
    if (!Array.isArray(args)) throw new CapabilityError('bad arguments')
    try {
      const out = await this.options.host.invoke(name, args, budget)
      return out === undefined ? undefined : toJson(out, 'the answer')
    } catch (error) {
      // The message only: no host stack or object crosses.
      throw new CapabilityError(error instanceof CapabilityError || error instanceof SandboxFault ? error.message : 'the capability failed on the host')
    }
  }
}
