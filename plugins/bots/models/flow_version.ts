import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { FlowDefinition } from '#bots/services/flow_schema'

export type VersionState = 'draft' | 'published' | 'archived'

/**
 * One version of a flow's graph. A flow has at most one draft (being edited) and one published
 * version (what runs); publishing archives the previous one. Sessions keep the version they
 * started on, so publishing never changes a conversation under way.
 */
export default class FlowVersion extends BaseModel {
  static table = 'bot_flow_versions'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare flowId: number

  @column()
  declare number: number

  @column()
  declare state: VersionState

  @column()
  declare definition: FlowDefinition

  @column()
  declare createdById: number | null

  @column.dateTime()
  declare publishedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** The version the editor opens and the test chat runs: the draft, else the published one. */
  static workingOf(flow: { id: number; workspaceId: number }) {
    return this.query().where('workspace_id', flow.workspaceId).where('flow_id', flow.id).whereIn('state', ['draft', 'published']).orderByRaw(`state = 'draft' desc`).firstOrFail()
  }
}
