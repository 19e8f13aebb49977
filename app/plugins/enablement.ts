import redis from '@adonisjs/redis/services/main'
import logger from '@adonisjs/core/services/logger'
import PluginInstallation from '#plugins/installation'
import { pluginRegistry } from '#plugins/registry'
import AuditLog from '#audit/audit_log'
import type Workspace from '#tenancy/models/workspace'

const CHANGED_CHANNEL = 'sb:plugins:changed'

export class PluginDisableRefused extends Error {
  constructor(
    message: string,
    public blockers: string[]
  ) {
    super(message)
  }
}

/**
 * Which plugins are enabled in which workspace. Read on every request and for every hook tap,
 * so each process keeps the whole answer in memory (one small row per workspace × enabled
 * plugin), loaded once; a change is published on Redis and every web and worker process
 * reloads that workspace.
 */
class PluginEnablement {
  #enabled = new Map<number, Set<string>>()
  #loading: Promise<void> | null = null
  #listening = false

  /** Loads every workspace's enabled plugins (once per process; later calls wait for the first). */
  ensureLoaded() {
    this.#loading ??= PluginInstallation.query()
      .select('workspace_id', 'plugin')
      .where('enabled', true)
      .then((rows) => {
        for (const row of rows) this.#set(row.workspaceId, row.plugin)
      })
      .catch((error) => {
        this.#loading = null
        throw error
      })
    return this.#loading
  }

  async enabledIn(workspaceId: number): Promise<ReadonlySet<string>> {
    await this.ensureLoaded()
    return this.#enabled.get(workspaceId) ?? new Set()
  }

  /**
   * The synchronous answer for hot paths (the hook gate). Instance-wide events (no workspace)
   * run every installed plugin. Callers make sure `ensureLoaded` ran (the workspace and API
   * middleware and the worker do).
   */
  isEnabled(plugin: string, workspaceId: number | null): boolean {
    if (workspaceId === null) return true
    return this.#enabled.get(workspaceId)?.has(plugin) ?? false
  }

  /** A new workspace has no plugins on (its id may be a reused one, after a test truncation). */
  forget(workspaceId: number) {
    this.#enabled.delete(workspaceId)
  }

  #set(workspaceId: number, plugin: string) {
    // Only plugins this process knows: a plugin removed from the code is off everywhere.
    if (!pluginRegistry.has(plugin)) return
    const names = this.#enabled.get(workspaceId) ?? new Set<string>()
    names.add(plugin)
    this.#enabled.set(workspaceId, names)
  }

  async #reload(workspaceId: number) {
    const rows = await PluginInstallation.query()
      .select('plugin')
      .where('workspace_id', workspaceId)
      .where('enabled', true)
    this.#enabled.delete(workspaceId)
    for (const row of rows) this.#set(workspaceId, row.plugin)
  }

  /** Enables `plugin` and, first, the plugins it requires that are still off. Returns what was turned on. */
  async enable(workspace: Workspace, plugin: string, actorId: number | null) {
    const enabled = await this.enabledIn(workspace.id)
    const order = pluginRegistry.enableOrder(plugin, [...enabled])
    for (const name of order) {
      await PluginInstallation.change(workspace.id, name, { enabled: true }, actorId)
      await AuditLog.recordIn(workspace, 'plugin.enabled', actorId, { plugin: name, ...(name !== plugin ? { requiredBy: plugin } : {}) })
    }
    await this.changed(workspace.id)
    return order
  }

  /** Disables `plugin`; refused while enabled plugins require it (their names are in the error). */
  async disable(workspace: Workspace, plugin: string, actorId: number | null) {
    const enabled = await this.enabledIn(workspace.id)
    const check = pluginRegistry.disableCheck(plugin, [...enabled])
    if (!check.allowed) throw new PluginDisableRefused(check.message!, check.blockers)
    await PluginInstallation.query()
      .where('workspace_id', workspace.id)
      .where('plugin', plugin)
      .update({ enabled: false, changedById: actorId })
    await AuditLog.recordIn(workspace, 'plugin.disabled', actorId, { plugin })
    await this.changed(workspace.id)
  }

  async changed(workspaceId: number) {
    await this.#reload(workspaceId)
    await redis.publish(CHANGED_CHANNEL, String(workspaceId))
  }

  /** Subscribes this process to changes made by the others (once). */
  async listen() {
    if (this.#listening) return
    this.#listening = true
    await redis.subscribe(CHANGED_CHANNEL, (workspaceId) => {
      this.#reload(Number(workspaceId)).catch((error) => logger.error({ err: error }, 'plugin enablement reload failed'))
    })
    logger.debug('plugin enablement: listening for changes')
  }
}

export const pluginEnablement = new PluginEnablement()
