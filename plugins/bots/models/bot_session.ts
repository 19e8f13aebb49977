import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export type SessionStatus = 'active' | 'paused' | 'handed_off' | 'completed' | 'expired' | 'failed'

/** What the test chat shows, kept in a test session's row. */
export interface TestState {
  /** The pretend contact the flow reads and writes (never a row of contacts). */
  contact: { name: string | null; phone: string; locale: string | null; attributes: Record<string, unknown> }
  /** The conversation as WhatsApp would show it, and what happened (handoff, end, failure). */
  transcript: TestEntry[]
  /** Node ids in the order the session entered them. */
  path: string[]
}

export type TestEntry =
  | { dir: 'in' | 'out'; type: string; content: Record<string, unknown>; at: string }
  | { dir: 'event'; event: 'handoff' | 'completed' | 'failed' | 'delay'; detail: Record<string, unknown>; at: string }

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

  /** Null only in a test session (the editor's test chat), which has neither. */
  @column()
  declare conversationId: number | null

  @column()
  declare contactId: number | null

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

  /** The member whose test chat this is (null: a customer's session). */
  @column()
  declare testUserId: number | null

  @column()
  declare testState: TestState | null

  @column.dateTime()
  declare endedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
