import { DateTime } from 'luxon'
import { BaseModel, afterDelete, afterSave, column } from '@adonisjs/lucid/orm'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { ProcessCache } from '#core/process_cache'
import type { FlowDefinition } from '#bots/services/flow_schema'

/** What a running session needs of a version; read-only (shared by every step of the process). */
export type RunnableVersion = Readonly<{ id: number; workspaceId: number; flowId: number; definition: FlowDefinition }>

/**
 * Every bot step reads its version's graph, and every trigger the flow's published version:
 * kept in the process, forgotten (everywhere) when a version row is saved. Only drafts' graphs
 * change, and publishing saves the draft as published, so both caches stay true.
 */
const versionsById = new ProcessCache<RunnableVersion | null>('bots.flow_versions', { ttlMs: 60_000, maxEntries: 5_000 })
const publishedByFlow = new ProcessCache<RunnableVersion | null>('bots.published_versions', { ttlMs: 60_000, maxEntries: 5_000 })

const runnable = (version: FlowVersion | null): RunnableVersion | null =>
  version && { id: version.id, workspaceId: version.workspaceId, flowId: version.flowId, definition: version.definition }

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

  /**
   * A version to run, from the process cache. `client`: a step's transaction, which must not
   * wait for a second connection while it holds the session's lock (runtime.ts).
   */
  static async runnable(workspaceId: number, id: number, client?: QueryClientContract) {
    // Loaded by id alone (a key must mean the same row for everyone), then checked for the workspace.
    const version = await versionsById.get(id, async () => runnable(await this.query({ client }).where('id', id).first()))
    return version?.workspaceId === workspaceId ? version : null
  }

  /** The flow's published version (cached like `runnable`), or null. */
  static async published(flow: { id: number; workspaceId: number }, client?: QueryClientContract) {
    const version = await publishedByFlow.get(flow.id, async () => runnable(await this.query({ client }).where('flow_id', flow.id).where('state', 'published').first()))
    return version?.workspaceId === flow.workspaceId ? version : null
  }

  @afterSave()
  @afterDelete()
  static async forget(version: FlowVersion) {
    await versionsById.forgetRow(version, version.id)
    await publishedByFlow.forgetRow(version, version.flowId)
  }

  /** The version an export means: `id` (of this flow), else the published one, else the draft. */
  static exported(flow: { id: number; workspaceId: number }, id: number | null) {
    const versions = this.query().where('workspace_id', flow.workspaceId).where('flow_id', flow.id)
    return id ? versions.where('id', id).firstOrFail() : versions.whereIn('state', ['published', 'draft']).orderByRaw(`state = 'published' desc`).firstOrFail()
  }

  /** The version the editor opens and the test chat runs: the draft, else the published one. */
  static workingOf(flow: { id: number; workspaceId: number }) {
    return this.query().where('workspace_id', flow.workspaceId).where('flow_id', flow.id).whereIn('state', ['draft', 'published']).orderByRaw(`state = 'draft' desc`).firstOrFail()
  }
}
