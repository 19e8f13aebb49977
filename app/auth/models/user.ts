import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import { compose } from '@adonisjs/core/helpers'
import db from '@adonisjs/lucid/services/db'
import { BaseModel, afterDelete, afterSave, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { withAuthFinder } from '@adonisjs/auth/mixins/lucid'
import { WorkspaceTokensProvider } from '#auth/workspace_tokens_provider'
import Membership from '#tenancy/models/membership'
import OrganizationMember from '#tenancy/models/organization_member'
import { ProcessCache } from '#core/process_cache'

// Every signed-in request and API call reads its user (config/auth.ts): kept per process, forgotten everywhere on save.
const cachedRows = new ProcessCache<Record<string, unknown> | null>('auth.users', { ttlMs: 30_000, maxEntries: 50_000 })

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

  /** An operator of the instance (above every organization): blocks marketplace packages. `node ace operator:grant`. */
  @column()
  declare isOperator: boolean

  @hasMany(() => Membership)
  declare memberships: HasMany<typeof Membership>

  @hasMany(() => OrganizationMember)
  declare organizationMemberships: HasMany<typeof OrganizationMember>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** The user `id` from this process's cache: a model of its own (the cached row is shared), or null. */
  static async findCached(id: number) {
    const row = await cachedRows.get(id, () => db.from(User.table).where('id', id).first())
    return row ? User.$createFromAdapterResult({ ...row }) : null
  }

  @afterSave()
  @afterDelete()
  static async forgetCached(user: User) {
    await cachedRows.forgetRow(user, user.id)
  }

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
