/**
 * The host side of the sandbox runner: starts app/sandbox/runner_main.ts as a child process on
 * the first call (`--no-node-snapshot`, as isolated-vm asks on Node ≥ 20), sends it the scripts,
 * calls into them with request ids and answers their capability calls here, in the host, where
 * the app, the database and the secrets are.
 *
 * Supervision: when the runner exits (a script aborted it, it was killed, it stopped answering),
 * every call in flight rejects with a `crash` fault and the next call starts a new runner, which
 * gets its scripts again as they are called. While calls are in flight the host pings the runner;
 * one that stays silent for STUCK_MS (its event loop blocked: isolates run on their own threads,
 * so a busy script does not do that) is killed: a stuck runner must not hold hooks hostage.
 *
 * A capability call runs in the async context of the call that caused it (AsyncResource), so the
 * hook bus's depth guard and the marketplace's re-entrancy check see the whole chain.
 */
import { AsyncResource } from 'node:async_hooks'
import { fork, type ChildProcess } from 'node:child_process'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CapabilityError, SandboxFault, parseFromSandbox, toJson, type CallBudget, type FromRunner, type SandboxSpec, type ToRunner } from '#sandbox/protocol'

const PING_MS = 500
const STUCK_MS = 3000

export interface CapabilityInvoker {
  invoke(name: string, args: unknown[], budget: CallBudget): unknown
}

export interface CallOptions {
  capabilities: CapabilityInvoker
  budget: CallBudget
  /** The installation's payload limit, for the capability arguments and answers. */
  payloadBytes: number
}

/** The runner stopped while the call was in flight; `suspects` is how many installations had a call in flight. */
export class RunnerCrash extends SandboxFault {
  constructor(
    message: string,
    readonly suspects: number
  ) {
    super('crash', message)
  }
}

interface PendingCall extends CallOptions {
  key: string
  resolve(out: string | undefined): void
  reject(error: Error): void
  scope: AsyncResource
}

export class SandboxRunner {
  #child: ChildProcess | undefined
  #ready = false
  /** Every loaded script, sent to a runner before its first call there. */
  #specs = new Map<string, SandboxSpec>()
  #sent = new Set<string>()
  #pending = new Map<number, PendingCall>()
  #stats = new Map<number, (stats: { rss: number; heaps: Record<string, number> }) => void>()
  #next = 0
  #outbox: ToRunner[] = []
  #heartbeat: NodeJS.Timeout | undefined
  #lastHeard = 0
  /** Runners started so far (the first one included). */
  starts = 0

  /** The runner's process id, when one runs. */
  get pid() {
    return this.#child?.pid
  }

  load(key: string, spec: SandboxSpec) {
    this.#specs.set(key, spec)
    this.#sent.delete(key)
  }

  unload(key: string) {
    this.#specs.delete(key)
    if (this.#sent.delete(key)) this.#send({ t: 'unload', key })
  }

  /** Calls `hook` of the script loaded as `key` with a JSON event; resolves with its JSON answer. */
  call(key: string, hook: string, json: string, options: CallOptions): Promise<string | undefined> {
    const spec = this.#specs.get(key)
    if (!spec) return Promise.reject(new SandboxFault('load', `no script is loaded as ${key}`))
    this.#start()
    if (!this.#sent.has(key)) {
      this.#sent.add(key)
      this.#send({ t: 'load', key, spec })
    }
    const id = ++this.#next
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { ...options, key, resolve, reject, scope: new AsyncResource('SandboxCall') })
      this.#busy()
      this.#send({ t: 'call', id, key, hook, json })
    })
  }

  /** The runner's resident memory and each loaded isolate's heap (bytes); zeros when no runner runs. */
  stats(): Promise<{ rss: number; heaps: Record<string, number> }> {
    if (!this.#child) return Promise.resolve({ rss: 0, heaps: {} })
    const id = ++this.#next
    return new Promise((resolve) => {
      this.#stats.set(id, resolve)
      this.#busy()
      this.#send({ t: 'stats', id })
    })
  }

  /** Stops the runner (calls in flight fail as after a crash); the next call starts a new one at once. */
  stop(signal: NodeJS.Signals = 'SIGTERM', why = 'stopped') {
    const child = this.#child
    if (!child) return
    // Detached now, not on its exit event: nothing more is sent to a runner that is going away.
    this.#exited(child, why)
    child.kill(signal)
  }

  #start() {
    if (this.#child) return
    const entry = fileURLToPath(new URL(`./runner_main${extname(import.meta.url)}`, import.meta.url))
    // Under ts-node (tests, `node ace serve`) the child needs the same loader; the build runs plain JS.
    const loader = entry.endsWith('.ts') ? ['--import', import.meta.resolve('ts-node-maintained/register/esm')] : []
    const child = fork(entry, [], { execArgv: ['--no-node-snapshot', ...loader], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    this.starts++
    this.#child = child
    this.#ready = false
    this.#sent.clear()
    child.on('message', (batch: FromRunner[]) => {
      for (const message of batch) this.#receive(message)
    })
    child.on('exit', (code, signal) => this.#exited(child, signal ?? `exit code ${code}`))
    child.on('error', () => this.#child === child && this.stop('SIGKILL', 'IPC error'))
    // The runner never keeps this process alive by itself: only while calls are in flight.
    child.unref()
    if (this.#pending.size + this.#stats.size === 0) child.channel?.unref()
  }

  #receive(message: FromRunner) {
    this.#lastHeard = performance.now()
    switch (message.t) {
      case 'pong':
        return
      case 'ready':
        this.#ready = true
        return this.#flush()
      case 'done': {
        const pending = this.#settle(message.id)
        if (!pending) return
        return message.ok ? pending.resolve(message.out) : pending.reject(new SandboxFault(message.kind, message.message))
      }
      case 'capability': {
        const pending = this.#pending.get(message.call)
        if (!pending) return this.#send({ t: 'answer', id: message.id, ok: false, out: 'the call is over' })
        pending.scope
          .runInAsyncScope(() => this.#capability(pending, message.name, message.args))
          .then(
            (out) => this.#send({ t: 'answer', id: message.id, ok: true, out }),
            // The message only: no host stack or object crosses.
            (error: Error) => this.#send({ t: 'answer', id: message.id, ok: false, out: error instanceof CapabilityError || error instanceof SandboxFault ? error.message : 'the capability failed on the host' })
          )
        return
      }
      case 'stats':
        this.#stats.get(message.id)?.({ rss: message.rss, heaps: message.heaps })
        this.#stats.delete(message.id)
        this.#idle()
    }
  }

  async #capability(call: PendingCall, name: string, argsJson: string) {
    const args = parseFromSandbox(argsJson, call.payloadBytes)
    if (!Array.isArray(args)) throw new CapabilityError('bad arguments')
    const out = await call.capabilities.invoke(name, args, call.budget)
    return out === undefined ? undefined : toJson(out, 'the answer', call.payloadBytes)
  }

  #settle(id: number) {
    const pending = this.#pending.get(id)
    if (!pending) return undefined
    this.#pending.delete(id)
    pending.scope.emitDestroy()
    this.#idle()
    return pending
  }

  /** Something is in flight: keep this process alive for it and watch that the runner answers. */
  #busy() {
    if (this.#pending.size + this.#stats.size !== 1) return
    this.#child?.channel?.ref()
    this.#lastHeard = performance.now()
    this.#heartbeat ??= setInterval(() => {
      if (performance.now() - this.#lastHeard > STUCK_MS) this.stop('SIGKILL', `silent for ${STUCK_MS} ms`)
      else this.#send({ t: 'ping' })
    }, PING_MS)
  }

  #idle() {
    if (this.#pending.size + this.#stats.size !== 0) return
    this.#child?.channel?.unref()
    clearInterval(this.#heartbeat)
    this.#heartbeat = undefined
  }

  #exited(child: ChildProcess, why: string) {
    if (this.#child !== child) return
    this.#child = undefined
    this.#ready = false
    this.#sent.clear()
    this.#outbox = []
    const inFlight = [...this.#pending.keys()]
    const suspects = new Set(inFlight.map((id) => this.#pending.get(id)!.key)).size
    for (const id of inFlight) this.#settle(id)!.reject(new RunnerCrash(`the sandbox runner stopped (${why}) during the call`, suspects))
    for (const resolve of this.#stats.values()) resolve({ rss: 0, heaps: {} })
    this.#stats.clear()
    this.#idle()
  }

  /** Queues a message; everything queued in this turn goes as one IPC write once the runner is ready. */
  #send(message: ToRunner) {
    if (this.#outbox.push(message) === 1) queueMicrotask(() => this.#flush())
  }

  #flush() {
    if (!this.#ready || !this.#child?.connected || this.#outbox.length === 0) return
    const batch = this.#outbox
    this.#outbox = []
    this.#child.send(batch)
  }
}
