import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export const MESSAGE_TYPES = [
  'text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts',
  'interactive', 'button', 'template', 'reaction', 'system',
] as const
export type MessageType = (typeof MESSAGE_TYPES)[number]

/** Types whose content points at a file (by provider media id, or a link). */
export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const

/** Outbound statuses only move forward: queued → sent → delivered → read, or failed. */
export const STATUS_ORDER = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 4, received: 0 } as const
export type MessageStatus = keyof typeof STATUS_ORDER

export default class Message extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare conversationId: number

  @column()
  declare channelId: number

  @column()
  declare direction: 'inbound' | 'outbound'

  @column()
  declare type: MessageType

  // Stringified: node-postgres would send a JS array (a contacts message) as a Postgres array.
  @column({ prepare: (value: unknown) => JSON.stringify(value) })
  declare content: Record<string, unknown>

  @column()
  declare providerMessageId: string | null

  @column()
  declare status: MessageStatus

  @column()
  declare errorCode: string | null

  @column()
  declare errorReason: string | null

  @column()
  declare replyToId: number | null

  @column()
  declare authorType: 'agent' | 'bot' | 'contact' | 'campaign' | 'plugin'

  @column()
  declare authorId: string | null

  /** Send attempts so far, and when the send queue may try (again): see jobs/send_channel.ts. */
  @column()
  declare attempts: number

  @column.dateTime()
  declare nextAttemptAt: DateTime | null

  @column.dateTime()
  declare sentAt: DateTime | null

  @column.dateTime()
  declare deliveredAt: DateTime | null

  @column.dateTime()
  declare readAt: DateTime | null

  @column.dateTime()
  declare failedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** Would `next` move this message's status forward? (Webhooks arrive out of order and twice.) */
  advancesTo(next: MessageStatus) {
    if (this.status === 'failed' || this.status === 'read') return false
    return next === 'failed' || STATUS_ORDER[next] > STATUS_ORDER[this.status]
  }
}
