import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** A file kept in our storage (config/drive.ts): an inbound message's media, or one uploaded to send. */
export default class Media extends BaseModel {
  static table = 'media'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare messageId: number | null

  /** The key on the drive disk; never shown. */
  @column({ serializeAs: null })
  declare path: string

  @column()
  declare filename: string

  @column()
  declare mime: string

  @column()
  declare size: number

  @column({ columnName: 'sha256' })
  declare sha256: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
