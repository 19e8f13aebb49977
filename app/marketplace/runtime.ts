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
import { Histogram, hooks, type HookName } from '#hooks/bus'
import { limitsOf, type Capability, type Limits } from '#marketplace/manifest'
import type { VerifiedPackage } from '#marketplace/package'
import { CapabilityHost, type KvStore } from '#sandbox/capabilities'
import { SandboxFault, parseFromSandbox, toJson, type FaultKind } from '#sandbox/protocol'
import { RunnerCrash, SandboxRunner } from '#sandbox/runner'

export const PLUGIN_PREFIX = 'marketplace:'
/** N faults in this window disable an installation for its workspace. */
export const FAULT_WINDOW = { max: 3, ms: 10 * 60_000 }
const MAX_LOG_LINES = 200

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

/** What the plugin page shows for one installation's script. */
export interface InstallMetrics {
  calls: number
  faults: number
  lastFault: InstallState['lastFault']
  p50Ms: number | null
  p99Ms: number | null
  /** The warm isolate's heap now (bytes); 0 when it is not loaded. */
  heapBytes: number
  logs: string[]
}

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
  timings: Histogram
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
  /** Told when faults disable an installation (start/plugins.ts notifies the workspace's admins). */
  onDisabled: ((packageId: string, workspaceId: number, state: InstallState) => void) | undefined

  install({ workspaceId, pkg, grants, settings = {}, secrets = {}, allowInternalHosts, limits: organizationLimits }: InstallOptions) {
    const { manifest, script } = pkg
    const kinds = new Map(hooks.definitions().map((definition) => [definition.name, definition.kind]))
    for (const hook of manifest.hooks) {
      const kind = kinds.get(hook)
      if (kind === undefined) throw new Error(`The package taps "${hook}", which this instance does not have`)
      if (kind !== 'action' && kind !== 'parallel') throw new Error(`The package taps "${hook}", a ${kind} hook: sandboxed scripts may tap action hooks only for now`)
    }
    const granted = new Set(grants.filter((name) => manifest.capabilities[name] !== undefined))
    const limits = limitsOf(manifest, organizationLimits)
    const state: InstallState = { status: 'active', faults: 0, lastFault: null, logs: [] }
    const host = new CapabilityHost(
      { workspaceId, manifest, grants: granted, settings, secrets },
      {
        kv: redisKv(manifest.id, workspaceId),
        log: (line) => state.logs.push(line) > MAX_LOG_LINES && state.logs.shift(),
        allowInternalHosts,
      }
    )
    this.uninstall(manifest.id, workspaceId)
    const key = `${manifest.id}@${manifest.version}:${workspaceId}`
    this.runner.load(key, { script, grants: [...granted], limits })
    const byWorkspace = this.#installed.get(manifest.id) ?? new Map<number, Installed>()
    byWorkspace.set(workspaceId, { packageId: manifest.id, workspaceId, key, host, limits, state, recentFaults: [], timings: new Histogram() })
    this.#installed.set(manifest.id, byWorkspace)
    for (const hook of manifest.hooks) this.#tap(manifest.id, hook)
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

  /** Calls, duration percentiles, faults, the isolate's heap and the log lines of one installation. */
  async metrics(packageId: string, workspaceId: number): Promise<InstallMetrics | undefined> {
    const installed = this.#installed.get(packageId)?.get(workspaceId)
    if (!installed) return undefined
    const { heaps } = await this.runner.stats()
    const { timings, state } = installed
    return { calls: timings.total, faults: state.faults, lastFault: state.lastFault, p50Ms: timings.percentile(0.5), p99Ms: timings.percentile(0.99), heapBytes: heaps[installed.key] ?? 0, logs: [...state.logs] }
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
    const installed = this.#installed.get(packageId)?.get(workspaceId)
    if (!installed || installed.state.status === 'disabled') throw new SandboxFault('load', `${packageId} is not active in workspace ${workspaceId}`)
    const { key, limits } = installed
    // The host's own event, too big or cyclic, is refused before the script could be blamed.
    const json = toJson(payload, 'the event', limits.payloadBytes)
    const chain = callChain.getStore() ?? []
    try {
      if (chain.includes(key)) throw new SandboxFault('error', `${packageId} triggered its own hook while running it (re-entrant calls are refused)`)
      const started = performance.now()
      const budget = { deadline: started + limits.wallMs, subrequests: limits.subrequests }
      const options = { capabilities: installed.host, budget, payloadBytes: limits.payloadBytes }
      const out = await callChain.run([...chain, key], () => this.runner.call(key, hook, json, options))
      installed.timings.record(performance.now() - started)
      return parseFromSandbox(out, limits.payloadBytes)
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
    const quarantine = fault instanceof RunnerCrash && fault.suspects === 1
    if (state.status !== 'disabled' && (quarantine || installed.recentFaults.length >= FAULT_WINDOW.max)) {
      state.status = 'disabled'
      this.onDisabled?.(installed.packageId, installed.workspaceId, state)
    } else if (state.status === 'active') state.status = 'failing'
    return fault
  }

  #tap(packageId: string, hook: string) {
    if (this.#tapped.has(`${packageId} ${hook}`)) return
    this.#tapped.add(`${packageId} ${hook}`)
    // The runner's watchdog ends a call first, then the runner's supervisor; the bus's deadline is the last backstop.
    hooks.tap(hook as HookName, { plugin: PLUGIN_PREFIX + packageId, timeoutMs: 15_000 }, (async (payload: { workspaceId: number | null }) => {
      const installed = payload.workspaceId === null ? undefined : this.#installed.get(packageId)?.get(payload.workspaceId)
      if (!installed || installed.state.status === 'disabled') return
      await this.call(packageId, installed.workspaceId, hook, payload)
    }) as never)
  }
}

export const marketplace = new MarketplaceRuntime()
