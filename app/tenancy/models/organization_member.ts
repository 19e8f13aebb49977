import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, afterSave, afterDelete } from '@adonisjs/lucid/orm'
import { accessChanged } from '#tenancy/access_cache'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#auth/models/user'
import type { OrganizationRole } from '#access/roles'

/** Agency staff: may open every workspace of the organization as an admin (owners as owner). */
export default class OrganizationMember extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare organizationId: number

  @column()
  declare userId: number

  @column()
  declare role: OrganizationRole

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  /** Who may open what may have changed (see #tenancy/access_cache). */
  @afterSave()
  @afterDelete()
  static async forgetAccess(row: OrganizationMember) {
    await accessChanged(row)
  }
}
