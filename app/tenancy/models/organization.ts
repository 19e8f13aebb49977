import { DateTime } from 'luxon'
import { BaseModel, column, hasMany, afterSave, afterDelete } from '@adonisjs/lucid/orm'
import { accessChanged } from '#tenancy/access_cache'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import Workspace from '#tenancy/models/workspace'
import type { Limits } from '#marketplace/manifest'
import OrganizationMember from '#tenancy/models/organization_member'

/** The agency or reseller: owns workspaces and, optionally, a white-label brand. */
export default class Organization extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  @column()
  declare slug: string

  @column()
  declare productName: string | null

  @column()
  declare logoPath: string | null

  @column()
  declare faviconPath: string | null

  @column()
  declare primaryColor: string | null

  @column()
  declare customDomain: string | null

  @column()
  declare mailFooter: string | null

  @column()
  declare requireTwoFactor: boolean

  /** Per-call limits of its marketplace scripts (only the figures it set); null: the defaults. */
  @column({ prepare: (value: Partial<Limits> | null) => (value ? JSON.stringify(value) : null) })
  declare marketplaceLimits: Partial<Limits> | null

  @hasMany(() => Workspace)
  declare workspaces: HasMany<typeof Workspace>

  @hasMany(() => OrganizationMember)
  declare members: HasMany<typeof OrganizationMember>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** Who may open what may have changed (see #tenancy/access_cache). */
  @afterSave()
  @afterDelete()
  static async forgetAccess(row: Organization) {
    await accessChanged(row)
  }
}
