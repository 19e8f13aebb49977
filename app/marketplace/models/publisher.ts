import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** Someone who publishes to this instance's registry, with the one key they sign with. */
export default class MarketplacePublisher extends BaseModel {
  static table = 'marketplace_publishers'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  @column()
  declare keyId: string

  @column()
  declare publicKey: string

  /** SHA-256 of the upload token: the token itself is shown once and never stored. */
  @column({ serializeAs: null })
  declare tokenHash: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
