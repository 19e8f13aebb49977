import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/** What an import and an export share: who started it, its progress, why it failed; found within a workspace. */
export default class Transfer extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare userId: number | null

  @column()
  declare status: 'draft' | 'queued' | 'running' | 'done' | 'failed'

  @column()
  declare format: 'csv' | 'xlsx'

  @column()
  declare total: number

  @column()
  declare processed: number

  @column()
  declare error: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** This workspace's row `id`; another workspace's, or none, is a 404. */
  static findInWorkspace<T extends typeof Transfer>(this: T, workspaceId: number, id: unknown) {
    return this.query().where('workspace_id', workspaceId).where('id', Number(id) || 0).firstOrFail()
  }

  get finished() {
    return this.status === 'done' || this.status === 'failed'
  }
}
