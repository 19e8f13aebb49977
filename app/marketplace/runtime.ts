/**
 * Installed packages at run time: one Sandbox per (package, workspace) in this process, tapped
 * into the hook bus under the plugin name `marketplace:<id>`. Taps cannot be removed, so each
 * (package, hook) is tapped once and the bus's gate (start/plugins.ts asks `isActive`) lets a
 * call through only where the package is installed and not failing; the tap then routes the
 * event to that workspace's sandbox. A fault (error, timeout, memory) is thrown to the bus, which
 * records and skips it as it does for any plugin; here it marks the installation failing, and
 * MAX_FAULTS of them disable it.
 */
import redis from '@adonisjs/redis/services/main'
import { hooks, type HookName } from '#hooks/bus'
import type { Capability } from '#marketplace/manifest'
import type { VerifiedPackage } from '#marketplace/package'
import { CapabilityHost, type KvStore } from '#sandbox/capabilities'
import { Sandbox, SandboxFault } from '#sandbox/sandbox'

export const PLUGIN_PREFIX = 'marketplace:'
const MAX_FAULTS = 3
const MAX_LOG_LINES = 200

export interface InstallOptions {
  workspaceId: number
  pkg: VerifiedPackage
  /** What the admin consented to; anything the manifest did not request is ignored. */
  grants: Capability[]
  settings?: Record<string, unknown>
  secrets?: Record<string, string>
  allowInternalHosts?: string[]
}

export interface InstallState {
  status: 'active' | 'failing' | 'disabled'
  faults: number
  lastFault: { kind: SandboxFault['kind']; message: string; at: Date } | null
  logs: string[]
}

interface Installed {
  sandbox: Sandbox
  state: InstallState
}

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

  install({ workspaceId, pkg, grants, settings = {}, secrets = {}, allowInternalHosts }: InstallOptions) {
    const { manifest, script } = pkg
    const kinds = new Map(hooks.definitions().map((definition) => [definition.name, definition.kind]))
    for (const hook of manifest.hooks) {
      const kind = kinds.get(hook)
      if (kind === undefined) throw new Error(`The package taps "${hook}", which this instance does not have`)
      if (kind !== 'action' && kind !== 'parallel') throw new Error(`The package taps "${hook}", a ${kind} hook: sandboxed scripts may tap action hooks only for now`)
    }
    const granted = new Set(grants.filter((name) => manifest.capabilities[name] !== undefined))
    const state: InstallState = { status: 'active', faults: 0, lastFault: null, logs: [] }
    const host = new CapabilityHost(
      { workspaceId, manifest, settings, secrets },
      {
        kv: redisKv(manifest.id, workspaceId),
        log: (line) => state.logs.push(line) > MAX_LOG_LINES && state.logs.shift(),
        allowInternalHosts,
      }
    )
    this.uninstall(manifest.id, workspaceId)
    const byWorkspace = this.#installed.get(manifest.id) ?? new Map<number, Installed>()
    byWorkspace.set(workspaceId, { sandbox: new Sandbox({ manifest, script, grants: granted, host }), state })
    this.#installed.set(manifest.id, byWorkspace)
    for (const hook of manifest.hooks) this.#tap(manifest.id, hook)
    return state
  }

  uninstall(packageId: string, workspaceId: number) {
    const installed = this.#installed.get(packageId)?.get(workspaceId)
    installed?.sandbox.dispose()
    this.#installed.get(packageId)?.delete(workspaceId)
  }

  state(packageId: string, workspaceId: number): InstallState | undefined {
    return this.#installed.get(packageId)?.get(workspaceId)?.state
  }

  /** The hook gate's answer for `marketplace:<id>` taps (synchronous, no query). */
  isActive(plugin: string, workspaceId: number | null): boolean {
    const status = workspaceId === null ? undefined : this.state(plugin.slice(PLUGIN_PREFIX.length), workspaceId)?.status
    return status !== undefined && status !== 'disabled'
  }

  /** Forgets every installation (tests; a process shutting down). */
  clear() {
    for (const [id, byWorkspace] of this.#installed) for (const workspaceId of byWorkspace.keys()) this.uninstall(id, workspaceId)
  }

  #tap(packageId: string, hook: string) {
    if (this.#tapped.has(`${packageId} ${hook}`)) return
    this.#tapped.add(`${packageId} ${hook}`)
    // The sandbox's own watchdog ends a call first; the bus's deadline is the backstop.
    hooks.tap(hook as HookName, { plugin: PLUGIN_PREFIX + packageId, timeoutMs: 15_000 }, (async (payload: { workspaceId: number | null }) => {
      const installed = payload.workspaceId === null ? undefined : this.#installed.get(packageId)?.get(payload.workspaceId)
      if (!installed || installed.state.status === 'disabled') return
      try {
        await installed.sandbox.call(hook, payload)
      } catch (error) {
        const fault = error instanceof SandboxFault ? error : new SandboxFault('error', String(error))
        const { state } = installed
        state.faults++
        state.lastFault = { kind: fault.kind, message: fault.message, at: new Date() }
        state.status = state.faults >= MAX_FAULTS ? 'disabled' : 'failing'
        throw fault
      }
    }) as never)
  }
}

export const marketplace = new MarketplaceRuntime()
