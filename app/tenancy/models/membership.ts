import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, afterSave, afterDelete } from '@adonisjs/lucid/orm'
import { accessChanged } from '#tenancy/access_cache'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#auth/models/user'
import Workspace from '#tenancy/models/workspace'
import type { Role } from '#access/roles'

export default class Membership extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare userId: number

  @column()
  declare role: Role

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @belongsTo(() => Workspace)
  declare workspace: BelongsTo<typeof Workspace>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** Who may open what may have changed (see #tenancy/access_cache). */
  @afterSave()
  @afterDelete()
  static async forgetAccess(row: Membership) {
    await accessChanged(row)
  }
}
