/**
 * Installed packages at run time. Each (package version, workspace) has a warm isolate in the
 * sandbox runner child process (app/sandbox/runner.ts); this process only holds a host-side proxy
 * per installation: the capability host (settings, secrets, kv, fetch), its state and metrics.
 *
 * The proxies tap the hook bus under the plugin name `marketplace:<id>`. Taps cannot be removed,
 * so each (package, hook) is tapped once and the bus's gate (start/plugins.ts asks `isActive`)
 * lets a call through only where the package is installed and not disabled; the tap then routes
 * the event to that workspace's script. A fault (error, timeout, memory, a runner crash) is thrown
 * to the bus, which records and skips it as it does for any plugin; here it marks the
 * installation failing, and FAULT_WINDOW.max faults within FAULT_WINDOW.ms disable it for that
 * workspace and notify its admins. A crash of the runner while only this installation had a call
 * in flight disables it at once (quarantine): it is the only suspect.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import redis from '@adonisjs/redis/services/main'
import { cancel, hooks, type HookName, type SandboxCheck } from '#hooks/bus'
import { limitsOf, type Capability, type Limits } from '#marketplace/manifest'
import type { VerifiedPackage } from '#marketplace/package'
import { CapabilityHost, type KvStore } from '#sandbox/capabilities'
import { SandboxFault, parseFromSandbox, toJson, type FaultKind } from '#sandbox/protocol'
import { RunnerCrash, SandboxRunner } from '#sandbox/runner'
import { MAX_LOG_LINES, MetricsGatherer, type GatheredMetrics } from '#marketplace/metrics'

export const PLUGIN_PREFIX = 'marketplace:'
/** N faults in this window disable an installation for its workspace. */
export const FAULT_WINDOW = { max: 3, ms: 10 * 60_000 }
/** Longest reason a script's `cancel()` gives (it is shown to whoever sent the message). */
const MAX_CANCEL_REASON = 500

export interface InstallOptions {
  workspaceId: number
  pkg: VerifiedPackage
  /** What the admin consented to; anything the manifest did not request is ignored. */
  grants: Capability[]
  settings?: Record<string, unknown>
  secrets?: Record<string, string>
  allowInternalHosts?: string[]
  /** The organization's own per-call limits (defaults otherwise), capped by the instance maximum. */
  limits?: Partial<Limits>
}

export interface InstallState {
  status: 'active' | 'failing' | 'disabled'
  faults: number
  lastFault: { kind: FaultKind; message: string; at: Date } | null
  logs: string[]
}

/** What the plugin page shows for one installation's script, from every process (metrics.ts). */
export type InstallMetrics = GatheredMetrics

interface Installed {
  packageId: string
  workspaceId: number
  /** The runner's name for this installation's isolate: one per (package version, workspace). */
  key: string
  host: CapabilityHost
  limits: Limits
  state: InstallState
  /** When the faults in the current window happened (ms since the epoch). */
  recentFaults: number[]
}

/** The installations whose calls the current async chain is inside (re-entrancy guard, threat 12). */
const callChain = new AsyncLocalStorage<string[]>()

/** Redis hash per installation, with its byte count kept atomically beside it for the quota. */
const KV_SET = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
local delta = #ARGV[2] - (old and #old or -#ARGV[1])
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if delta > 0 and used + delta > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCRBY', KEYS[2], delta)
return 1`
const KV_DELETE = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DECRBY', KEYS[2], #old + #ARGV[1])
return 1`

export function redisKv(packageId: string, workspaceId: number): KvStore & { clear(): Promise<void> } {
  const data = `mkt:kv:${workspaceId}:${packageId}`
  const used = `${data}:bytes`
  return {
    get: (key) => redis.hget(data, key),
    set: async (key, value, quotaBytes) => (await redis.eval(KV_SET, 2, data, used, key, value, quotaBytes)) === 1,
    delete: async (key) => {
      await redis.eval(KV_DELETE, 2, data, used, key)
    },
    clear: async () => {
      await redis.del(data, used)
    },
  }
}

export class MarketplaceRuntime {
  #installed = new Map<string, Map<number, Installed>>()
  #tapped = new Set<string>()
  readonly runner = new SandboxRunner()
  /** Calls, faults and log lines of this process, gathered in Redis with every other process's. */
  readonly gathered = new MetricsGatherer(
    async () => new Map(Object.entries((await this.runner.stats()).heaps)),
    (packageId, workspaceId) => this.#installed.get(packageId)?.get(workspaceId)?.key
  )
  /** Told when faults disable an installation (start/plugins.ts notifies the workspace's admins). */
  onDisabled: ((packageId: string, workspaceId: number, state: InstallState) => void) | undefined

  install({ workspaceId, pkg, grants, settings = {}, secrets = {}, allowInternalHosts, limits: organizationLimits }: InstallOptions) {
    const { manifest, script } = pkg
    const definitions = tappable(manifest.hooks)
    const granted = new Set(grants.filter((name) => manifest.capabilities[name] !== undefined))
    const limits = limitsOf(manifest, organizationLimits)
    const state: InstallState = { status: 'active', faults: 0, lastFault: null, logs: [] }
    const host = new CapabilityHost(
      { workspaceId, manifest, grants: granted, settings, secrets },
      {
        kv: redisKv(manifest.id, workspaceId),
        log: (line) => {
          if (state.logs.push(line) > MAX_LOG_LINES) state.logs.shift()
          this.gathered.log(manifest.id, workspaceId, line)
        },
        allowInternalHosts,
      }
    )
    this.uninstall(manifest.id, workspaceId)
    const key = `${manifest.id}@${manifest.version}:${workspaceId}`
    this.runner.load(key, { script, grants: [...granted], limits })
    const byWorkspace = this.#installed.get(manifest.id) ?? new Map<number, Installed>()
    byWorkspace.set(workspaceId, { packageId: manifest.id, workspaceId, key, host, limits, state, recentFaults: [] })
    this.#installed.set(manifest.id, byWorkspace)
    for (const definition of definitions) this.#tap(manifest.id, definition)
    return state
  }

  uninstall(packageId: string, workspaceId: number) {
    const installed = this.#installed.get(packageId)?.get(workspaceId)
    if (installed) this.runner.unload(installed.key)
    this.#installed.get(packageId)?.delete(workspaceId)
  }

  state(packageId: string, workspaceId: number): InstallState | undefined {
    return this.#installed.get(packageId)?.get(workspaceId)?.state
  }

  /**
   * Calls, duration percentiles, faults, the isolates' heap and the log lines of one installation,
   * summed over every web and worker process (undefined when it is not running here).
   */
  async metrics(packageId: string, workspaceId: number): Promise<InstallMetrics | undefined> {
    const installed = this.#installed.get(packageId)?.get(workspaceId)
    if (!installed) return undefined
    const { heaps } = await this.runner.stats()
    return this.gathered.read(packageId, workspaceId, heaps[installed.key] ?? 0)
  }

  /** The hook gate's answer for `marketplace:<id>` taps (synchronous, no query). */
  isActive(plugin: string, workspaceId: number | null): boolean {
    const status = workspaceId === null ? undefined : this.state(plugin.slice(PLUGIN_PREFIX.length), workspaceId)?.status
    return status !== undefined && status !== 'disabled'
  }

  /**
   * Runs the installation's handler for `hook` in the runner and answers what it returned (parsed
   * with `__proto__` & co. dropped). Throws a SandboxFault, which is counted, on any failure.
   */
  async call(packageId: string, workspaceId: number, hook: string, payload: unknown): Promise<unknown> {
    return this.#call(packageId, workspaceId, hook, [payload])
  }

  /**
   * Runs the handler with `args` ([payload], or [value, context] for a filter); `check` turns the
   * script's result into what the hook accepts, and a result it refuses is the script's fault too.
   */
  async #call(packageId: string, workspaceId: number, hook: string, args: unknown[], check: (result: unknown) => unknown = (result) => result): Promise<unknown> {
    const installed = this.#installed.get(packageId)?.get(workspaceId)
    if (!installed || installed.state.status === 'disabled') throw new SandboxFault('load', `${packageId} is not active in workspace ${workspaceId}`)
    const { key, limits } = installed
    // The host's own event, too big or cyclic, is refused before the script could be blamed.
    const json = toJson(args, 'the event', limits.payloadBytes)
    const chain = callChain.getStore() ?? []
    try {
      if (chain.includes(key)) throw new SandboxFault('error', `${packageId} triggered its own hook while running it (re-entrant calls are refused)`)
      const started = performance.now()
      const budget = { deadline: started + limits.wallMs, subrequests: limits.subrequests }
      const options = { capabilities: installed.host, budget, payloadBytes: limits.payloadBytes }
      const out = await callChain.run([...chain, key], () => this.runner.call(key, hook, json, options))
      let accepted: unknown
      try {
        accepted = check(parseFromSandbox(out, limits.payloadBytes))
      } catch (error) {
        throw error instanceof SandboxFault ? error : new SandboxFault('payload', `"${hook}" refused the script's result: ${(error as Error).message}`)
      }
      this.gathered.call(packageId, workspaceId, performance.now() - started)
      return accepted
    } catch (error) {
      throw this.#fault(installed, error)
    }
  }

  /** Forgets every installation (tests; a process shutting down). */
  clear() {
    for (const [id, byWorkspace] of this.#installed) for (const workspaceId of byWorkspace.keys()) this.uninstall(id, workspaceId)
  }

  #fault(installed: Installed, error: unknown) {
    const fault = error instanceof SandboxFault ? error : new SandboxFault('error', error instanceof Error ? error.message : String(error))
    const { state } = installed
    const now = Date.now()
    installed.recentFaults = installed.recentFaults.filter((at) => at > now - FAULT_WINDOW.ms)
    installed.recentFaults.push(now)
    state.faults++
    state.lastFault = { kind: fault.kind, message: fault.message, at: new Date(now) }
    this.gathered.fault(installed.packageId, installed.workspaceId, state.lastFault)
    const quarantine = fault instanceof RunnerCrash && fault.suspects === 1
    if (state.status !== 'disabled' && (quarantine || installed.recentFaults.length >= FAULT_WINDOW.max)) {
      state.status = 'disabled'
      this.onDisabled?.(installed.packageId, installed.workspaceId, state)
    } else if (state.status === 'active') state.status = 'failing'
    return fault
  }

  /** The installation an event of `workspaceId` goes to, if it runs there. */
  #active(packageId: string, workspaceId: number | null) {
    const installed = workspaceId === null ? undefined : this.#installed.get(packageId)?.get(workspaceId)
    return installed && installed.state.status !== 'disabled' ? installed : undefined
  }

  /**
   * One tap per (package, hook). Filter and bail taps fail open: a fault (timeout, throw, a result
   * the hook's `sandbox` check refuses) is counted here and by the bus, and the message goes on as
   * if the script had not been there — a broken third-party script must not stop a business's
   * messages. The runner's watchdog ends a call first, then the runner's supervisor; the bus's
   * deadline is the last backstop.
   */
  #tap(packageId: string, { name, kind, sandbox }: SandboxTappable) {
    if (this.#tapped.has(`${packageId} ${name}`)) return
    this.#tapped.add(`${packageId} ${name}`)
    const plugin = PLUGIN_PREFIX + packageId
    const options = { plugin, timeoutMs: 15_000, failOpen: true }
    const tap = (fn: (...args: any[]) => unknown) => hooks.tap(name as HookName, options, fn as never)
    if (kind === 'filter') {
      tap(async (value: unknown, context: { workspaceId: number | null }) => {
        const installed = this.#active(packageId, context.workspaceId)
        if (!installed) return undefined
        return this.#call(packageId, installed.workspaceId, name, [value, context], (result) => cancelOf(result) ?? sandbox!.accept(result, value, plugin))
      })
    } else if (kind === 'bail') {
      tap(async (payload: { workspaceId: number | null }) => {
        const installed = this.#active(packageId, payload.workspaceId)
        if (!installed) return undefined
        return this.#call(packageId, installed.workspaceId, name, [payload], (result) => sandbox!.accept(result, payload, plugin))
      })
    } else {
      tap(async (payload: { workspaceId: number | null }) => {
        const installed = this.#active(packageId, payload.workspaceId)
        if (installed) await this.#call(packageId, installed.workspaceId, name, [payload])
      })
    }
  }
}

interface SandboxTappable {
  name: string
  kind: string
  sandbox: SandboxCheck | null
}

/**
 * The catalogue's definitions of the hooks a manifest taps. Action hooks are open to sandboxed
 * scripts; filter and bail hooks only when their definition says how a script's result is checked.
 */
export function tappable(names: string[]): SandboxTappable[] {
  const definitions = new Map(hooks.definitions().map((definition) => [definition.name, definition]))
  return names.map((name) => {
    const definition = definitions.get(name)
    if (definition === undefined) throw new Error(`The package taps "${name}", which this instance does not have`)
    if ((definition.kind === 'filter' || definition.kind === 'bail') && definition.sandbox === null) {
      throw new Error(`The package taps "${name}", a ${definition.kind} hook that is not open to sandboxed scripts`)
    }
    return definition
  })
}

/** A filter script's `return cancel('why')` (switchboard:api's marker `{ $cancel }`), as the bus's cancellation. */
function cancelOf(result: unknown) {
  if (result === null || typeof result !== 'object' || !Object.hasOwn(result, '$cancel')) return undefined
  const reason = String((result as { $cancel: unknown }).$cancel).trim().slice(0, MAX_CANCEL_REASON)
  return cancel(reason || 'Stopped by a marketplace plugin')
}

export const marketplace = new MarketplaceRuntime()
