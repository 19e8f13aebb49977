import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** A package id of this instance's registry: who owns it, and whether the operator blocked it. */
export default class MarketplacePackage extends BaseModel {
  static table = 'marketplace_packages'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare packageId: string

  @column()
  declare publisherId: number | null

  @column()
  declare deprecated: string | null

  @column.dateTime()
  declare blockedAt: DateTime | null

  @column()
  declare blockedReason: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
