import vine from '@vinejs/vine'
import PluginInstallation from '#plugins/installation'
import { pluginRegistry } from '#plugins/registry'
import AuditLog from '#audit/audit_log'
import type Workspace from '#tenancy/models/workspace'
import type { SettingField } from '#plugins/define_plugin'

/** A plugin's settings in a workspace: what was saved, over the plugin's defaults. */
export async function settingsOf(workspaceId: number, plugin: string): Promise<Record<string, unknown>> {
  const defaults = pluginRegistry.getOrFail(plugin).definition.settings?.defaults ?? {}
  return { ...defaults, ...(await PluginInstallation.savedSettings(workspaceId, plugin)) }
}

/** The fields of the settings form, in schema order, each with its rendering metadata. */
export function settingsFields(plugin: string): ({ name: string } & SettingField)[] {
  const settings = pluginRegistry.getOrFail(plugin).definition.settings
  if (!settings) return []
  const fields = (settings.fields ?? {}) as Record<string, SettingField | undefined>
  return Object.keys(settings.schema.getProperties()).map((name) => ({ name, label: name, ...fields[name] }))
}

const validators = new Map<string, ReturnType<typeof vine.compile>>()

/** Validates submitted settings against the plugin's VineJS schema (422 with field messages). */
export function settingsValidator(plugin: string) {
  let validator = validators.get(plugin)
  if (!validator) {
    validator = vine.compile(pluginRegistry.getOrFail(plugin).definition.settings!.schema)
    validators.set(plugin, validator)
  }
  return validator
}

export async function saveSettings(workspace: Workspace, plugin: string, values: Record<string, unknown>, actorId: number) {
  await PluginInstallation.change(workspace.id, plugin, { settings: values }, actorId)
  // Field names only: values may be secrets.
  await AuditLog.recordIn(workspace, 'plugin.settings_changed', actorId, { plugin, fields: Object.keys(values) })
}
