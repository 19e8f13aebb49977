import { DateTime } from 'luxon'
import { BaseModel, afterDelete, afterSave, column } from '@adonisjs/lucid/orm'
import { pluginRegistry } from '#plugins/registry'
import { ProcessCache } from '#core/process_cache'

// Plugins read their settings on hot paths (a bot's every step, every agent reply): kept per
// process, forgotten everywhere when the row is saved. Key: `<workspace id>:<plugin>`.
const savedSettings = new ProcessCache<Record<string, unknown> | null>('plugins.settings', { ttlMs: 30_000, maxEntries: 50_000 })

/** A plugin's state in one workspace. Disabled rows keep their settings and the plugin's data. */
export default class PluginInstallation extends BaseModel {
  static table = 'plugin_installations'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare plugin: string

  @column()
  declare version: string

  @column()
  declare enabled: boolean

  @column()
  declare settings: Record<string, unknown>

  @column()
  declare changedById: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** Creates or changes a workspace's row for `plugin`, stamped with the installed version and who did it. */
  static change(workspaceId: number, plugin: string, changes: { enabled?: boolean; settings?: Record<string, unknown> }, actorId: number | null) {
    return this.updateOrCreate(
      { workspaceId, plugin },
      { ...changes, version: pluginRegistry.getOrFail(plugin).version, changedById: actorId }
    )
  }

  /** What was saved for `plugin` in the workspace (null: nothing), from this process's cache. */
  static savedSettings(workspaceId: number, plugin: string) {
    return savedSettings.get(`${workspaceId}:${plugin}`, async () => {
      const row = await this.query().select('settings').where('workspace_id', workspaceId).where('plugin', plugin).first()
      return row?.settings ?? null
    })
  }

  @afterSave()
  @afterDelete()
  static async forgetSettings(installation: PluginInstallation) {
    await savedSettings.forgetRow(installation, `${installation.workspaceId}:${installation.plugin}`)
  }
}
