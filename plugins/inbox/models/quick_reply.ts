import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** A canned response of a workspace (table inbox_quick_replies), inserted in the composer with "/shortcut". */
export default class QuickReply extends BaseModel {
  static table = 'inbox_quick_replies'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  /** Lower-case letters, digits, "_" and "-": what follows "/" in the composer. */
  @column()
  declare shortcut: string

  /** The text, with variables like {{contact.first_name}} (services/quick_replies.ts fills them). */
  @column()
  declare body: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
