import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export type SessionStatus = 'active' | 'paused' | 'handed_off' | 'completed' | 'expired' | 'failed'

/** Statuses in which a session still holds its conversation (the unique partial index's). */
export const LIVE_STATUSES: SessionStatus[] = ['active', 'paused', 'handed_off']

/**
 * A flow running in one conversation. Everything the runtime needs to go on is in this row
 * (node, variables, what it waits for, retries, when a delay ends), so any worker, after any
 * restart, resumes it.
 */
export default class BotSession extends BaseModel {
  static table = 'bot_sessions'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare flowId: number

  @column()
  declare versionId: number

  @column()
  declare conversationId: number

  @column()
  declare contactId: number

  @column()
  declare status: SessionStatus

  @column()
  declare nodeId: string | null

  @column()
  declare waiting: 'answer' | 'delay' | null

  @column()
  declare retries: number

  @column()
  declare variables: Record<string, unknown>

  @column.dateTime()
  declare wakeAt: DateTime | null

  @column.dateTime()
  declare expiresAt: DateTime

  @column()
  declare trigger: string

  @column()
  declare lastError: string | null

  @column.dateTime()
  declare endedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
