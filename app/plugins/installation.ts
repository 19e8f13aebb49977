import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

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
}
