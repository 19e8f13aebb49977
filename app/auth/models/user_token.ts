import { createHash, randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#auth/models/user'

export type TokenPurpose = 'password_reset' | 'email_verification'

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

/** A single-use secret mailed to a user. Only its SHA-256 is stored. */
export default class UserToken extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare purpose: TokenPurpose

  @column({ serializeAs: null })
  declare tokenHash: string

  @column.dateTime()
  declare expiresAt: DateTime

  @column.dateTime()
  declare usedAt: DateTime | null

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  /** Creates a token and returns the plain value, which exists only in the e-mail. */
  static async issue(user: User, purpose: TokenPurpose, validFor: { hours: number }) {
    const plain = randomBytes(32).toString('base64url')
    await this.create({
      userId: user.id,
      purpose,
      tokenHash: sha256(plain),
      expiresAt: DateTime.now().plus(validFor),
    })
    return plain
  }

  /** Marks the token used and returns its user, or null when unknown, used or expired. */
  static async consume(plain: string, purpose: TokenPurpose) {
    const token = await this.query()
      .where('token_hash', sha256(plain))
      .where('purpose', purpose)
      .whereNull('used_at')
      .where('expires_at', '>', DateTime.now().toSQL()!)
      .preload('user')
      .first()
    if (!token) return null
    token.usedAt = DateTime.now()
    await token.save()
    return token.user
  }
}

export { sha256 }
