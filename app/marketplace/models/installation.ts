import { DateTime } from 'luxon'
import encryption from '@adonisjs/core/services/encryption'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import type { Capability } from '#marketplace/manifest'
import MarketplacePackageVersion from '#marketplace/models/package_version'

export const INSTALLATION_STATUSES = ['active', 'disabled', 'quarantined', 'failing'] as const
export type InstallationStatus = (typeof INSTALLATION_STATUSES)[number]

/** A marketplace package installed in one workspace. Secrets are stored encrypted and never serialized. */
export default class MarketplaceInstallation extends BaseModel {
  static table = 'marketplace_installations'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare packageId: string

  @column()
  declare version: string

  @column()
  declare packageVersionId: number

  @belongsTo(() => MarketplacePackageVersion, { foreignKey: 'packageVersionId' })
  declare packageVersion: BelongsTo<typeof MarketplacePackageVersion>

  /** The capabilities the admin consented to. */
  @column({ prepare: (value: Capability[]) => JSON.stringify(value) })
  declare grants: Capability[]

  @column()
  declare settings: Record<string, unknown>

  @column({ serializeAs: null })
  declare secrets: string | null

  @column()
  declare status: InstallationStatus

  @column()
  declare faults: number

  @column()
  declare lastFault: string | null

  @column()
  declare changedById: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** Every installation in the workspaces of one organization. */
  static ofOrganization(organizationId: number) {
    return this.query()
      .join('workspaces', 'workspaces.id', 'marketplace_installations.workspace_id')
      .where('workspaces.organization_id', organizationId)
      .select('marketplace_installations.*')
  }

  secretValues(): Record<string, string> {
    return this.secrets ? (encryption.decrypt<Record<string, string>>(this.secrets) ?? {}) : {}
  }

  setSecretValues(values: Record<string, string>) {
    this.secrets = Object.keys(values).length ? encryption.encrypt(values) : null
  }
}
