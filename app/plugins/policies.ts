import db from '@adonisjs/lucid/services/db'
import AuditLog from '#audit/audit_log'
import { pluginRegistry } from '#plugins/registry'
import { pluginEnablement } from '#plugins/enablement'
import type Workspace from '#tenancy/models/workspace'

export interface PluginPolicy {
  /** New workspaces of the organization start with it on. */
  enabledByDefault: boolean
  /** Client workspaces do not see it (a reseller's plans); organization staff still do. */
  hidden: boolean
}

const NONE: PluginPolicy = Object.freeze({ enabledByDefault: false, hidden: false })

/** An organization's choices for each installed plugin (defaults where it made none). */
export async function policiesOf(organizationId: number): Promise<Map<string, PluginPolicy>> {
  const rows = await db
    .from('organization_plugin_policies')
    .select('plugin', 'enabled_by_default', 'hidden')
    .where('organization_id', organizationId)
  const chosen = new Map(rows.map((row) => [row.plugin as string, { enabledByDefault: row.enabled_by_default, hidden: row.hidden }]))
  return new Map(pluginRegistry.names().map((name) => [name, chosen.get(name) ?? NONE]))
}

export async function setPolicy(organizationId: number, plugin: string, policy: PluginPolicy, actorId: number) {
  await db.rawQuery(
    `insert into organization_plugin_policies (organization_id, plugin, enabled_by_default, hidden, updated_at)
     values (?, ?, ?, ?, now())
     on conflict (organization_id, plugin) do update
     set enabled_by_default = excluded.enabled_by_default, hidden = excluded.hidden, updated_at = now()`,
    [organizationId, plugin, policy.enabledByDefault, policy.hidden]
  )
  await AuditLog.record({ action: 'plugin.policy_changed', organizationId, actorId, meta: { plugin, ...policy } })
}

/** Turns on, in a new workspace, the plugins its organization starts workspaces with. */
export async function enableDefaults(workspace: Workspace, actorId: number | null) {
  const policies = await policiesOf(workspace.organizationId)
  for (const [plugin, policy] of policies) {
    if (policy.enabledByDefault) await pluginEnablement.enable(workspace, plugin, actorId)
  }
}
