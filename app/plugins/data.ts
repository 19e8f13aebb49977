import db from '@adonisjs/lucid/services/db'
import AuditLog from '#audit/audit_log'
import { pluginRegistry } from '#plugins/registry'
import { pluginEnablement } from '#plugins/enablement'
import type Workspace from '#tenancy/models/workspace'

export class PluginDataRefused extends Error {}

function tablesOf(plugin: string) {
  return pluginRegistry.getOrFail(plugin).definition.data?.tables ?? []
}

/** Everything a plugin stores for one workspace, table by table (offered before removal). */
export async function exportPluginData(workspaceId: number, plugin: string) {
  const tables: Record<string, unknown[]> = {}
  for (const table of tablesOf(plugin)) {
    tables[table] = await db.from(table).where('workspace_id', workspaceId).orderBy('id')
  }
  return { plugin, version: pluginRegistry.getOrFail(plugin).version, workspaceId, exportedAt: new Date().toISOString(), tables }
}

/**
 * Deletes a plugin's rows of one workspace, in one transaction. Only for a plugin that is off
 * in that workspace: its taps and jobs must not be writing while the rows go.
 */
export async function removePluginData(workspace: Workspace, plugin: string, actorId: number) {
  if (pluginEnablement.isEnabled(plugin, workspace.id)) {
    throw new PluginDataRefused(`Turn ${plugin} off before removing its data`)
  }
  const deleted: Record<string, number> = {}
  await db.transaction(async (trx) => {
    for (const table of tablesOf(plugin)) {
      const result = await trx.from(table).where('workspace_id', workspace.id).delete()
      deleted[table] = Number(Array.isArray(result) ? result[0] : result)
    }
  })
  await AuditLog.recordIn(workspace, 'plugin.data_removed', actorId, { plugin, deleted })
  return deleted
}
