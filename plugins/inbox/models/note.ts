import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** An internal note on a conversation (table inbox_notes): for the team, never for the customer. */
export default class Note extends BaseModel {
  static table = 'inbox_notes'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare conversationId: number

  @column()
  declare authorId: number | null

  @column()
  declare body: string

  /** User ids mentioned in the body, members of the workspace who may view the inbox. */
  @column()
  declare mentions: number[]

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  /** When its author (or an owner or admin) last changed it; null: never. */
  @column.dateTime()
  declare editedAt: DateTime | null
}
