import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import { compose } from '@adonisjs/core/helpers'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { withAuthFinder } from '@adonisjs/auth/mixins/lucid'
import { WorkspaceTokensProvider } from '#auth/workspace_tokens_provider'
import Membership from '#tenancy/models/membership'
import OrganizationMember from '#tenancy/models/organization_member'

const AuthFinder = withAuthFinder(() => hash.use('scrypt'), {
  uids: ['email'],
  passwordColumnName: 'password',
})

export type Theme = 'light' | 'dark' | 'system'

export default class User extends compose(BaseModel, AuthFinder) {
  static accessTokens = WorkspaceTokensProvider.forModel(User, {
    prefix: 'sb_',
    table: 'auth_access_tokens',
    type: 'api_token',
  })

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare fullName: string

  @column()
  declare email: string

  @column({ serializeAs: null })
  declare password: string

  @column.dateTime()
  declare emailVerifiedAt: DateTime | null

  @column()
  declare theme: Theme

  @column()
  declare locale: string

  /** Encrypted with APP_KEY; never serialized. */
  @column({ serializeAs: null })
  declare twoFactorSecret: string | null

  @column({ serializeAs: null })
  declare twoFactorRecoveryCodes: string | null

  @column.dateTime()
  declare twoFactorEnabledAt: DateTime | null

  @hasMany(() => Membership)
  declare memberships: HasMany<typeof Membership>

  @hasMany(() => OrganizationMember)
  declare organizationMemberships: HasMany<typeof OrganizationMember>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  get hasTwoFactor() {
    return this.twoFactorEnabledAt !== null
  }

  get initials() {
    return this.fullName
      .split(/\s+/)
      .slice(0, 2)
      .map((part) => part[0]?.toUpperCase() ?? '')
      .join('')
  }
}
