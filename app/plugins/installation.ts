import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { pluginRegistry } from '#plugins/registry'

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
}
