import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Contact from '#messaging/models/contact'
import Channel from '#messaging/models/channel'

export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved'

export default class Conversation extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare contactId: number

  @column()
  declare channelId: number

  @column()
  declare status: ConversationStatus

  @column()
  declare assigneeId: number | null

  @column.dateTime()
  declare snoozedUntil: DateTime | null

  @column.dateTime()
  declare lastActivityAt: DateTime

  @column()
  declare unreadCount: number

  /** Free-form messages may be sent until then (24 h after the customer's last message). */
  @column.dateTime()
  declare windowExpiresAt: DateTime | null

  @belongsTo(() => Contact)
  declare contact: BelongsTo<typeof Contact>

  @belongsTo(() => Channel)
  declare channel: BelongsTo<typeof Channel>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** The workspace's conversation `id` (from a URL or a payload); any other, or none, is 404. */
  static findInWorkspace(workspaceId: number, id: unknown) {
    return this.query().where('workspace_id', workspaceId).where('id', Number(id) || 0).firstOrFail()
  }

  get windowOpen() {
    return !!this.windowExpiresAt && this.windowExpiresAt > DateTime.now()
  }
}
