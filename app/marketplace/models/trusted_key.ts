import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** A publisher key an organization trusts: its workspaces install only packages signed by such keys. */
export default class MarketplaceTrustedKey extends BaseModel {
  static table = 'marketplace_trusted_keys'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare organizationId: number

  @column()
  declare publisher: string

  @column()
  declare keyId: string

  @column()
  declare publicKey: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  /** The organization's keys in the form verifyPackage takes. */
  static async of(organizationId: number) {
    const rows = await this.query().where('organization_id', organizationId).orderBy('id')
    return rows.map((row) => ({ publisher: row.publisher, publicKey: row.publicKey }))
  }
}
