import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { Manifest } from '#marketplace/manifest'

/** The registry of this instance. */
export const LOCAL_REGISTRY = ''

/** One stored .tgz: published here, or fetched from another registry when a workspace installed it. */
export default class MarketplacePackageVersion extends BaseModel {
  static table = 'marketplace_package_versions'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare packageId: string

  @column()
  declare version: string

  /** Where it came from: '' (LOCAL_REGISTRY) for packages published to this instance. */
  @column()
  declare registry: string

  @column({ serializeAs: null })
  declare archive: Buffer

  /** Of the whole archive, as the index lists it. */
  @column({ columnName: 'sha256' })
  declare sha256: string

  @column()
  declare signature: string

  @column()
  declare keyId: string

  @column({ prepare: (value: Manifest) => JSON.stringify(value) })
  declare manifest: Manifest

  @column()
  declare readme: string | null

  @column.dateTime()
  declare yankedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
