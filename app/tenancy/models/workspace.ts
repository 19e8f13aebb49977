import { DateTime } from 'luxon'
import { BaseModel, afterCreate, belongsTo, column, hasMany, afterSave, afterDelete } from '@adonisjs/lucid/orm'
import { accessChanged } from '#tenancy/access_cache'
import { pluginEnablement } from '#plugins/enablement'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import Organization from '#tenancy/models/organization'
import Membership from '#tenancy/models/membership'

/** One client business: the tenant. Every tenant row carries its workspace_id. */
export default class Workspace extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare organizationId: number

  @column()
  declare name: string

  @column()
  declare slug: string

  @column()
  declare timezone: string

  @column()
  declare locale: string

  @belongsTo(() => Organization)
  declare organization: BelongsTo<typeof Organization>

  @hasMany(() => Membership)
  declare memberships: HasMany<typeof Membership>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @afterCreate()
  static startWithoutPlugins(workspace: Workspace) {
    pluginEnablement.forget(workspace.id)
  }

  /** Who may open what may have changed (see #tenancy/access_cache). */
  @afterSave()
  @afterDelete()
  static async forgetAccess(row: Workspace) {
    await accessChanged(row)
  }
}
