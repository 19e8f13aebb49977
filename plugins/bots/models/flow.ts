import { DateTime } from 'luxon'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import FlowVersion from '#bots/models/flow_version'
import type { FlowTrigger } from '#bots/services/flow_schema'

/** A bot flow: its name, trigger and switch; the graph lives in its versions. */
export default class Flow extends BaseModel {
  static table = 'bot_flows'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare name: string

  @column()
  declare trigger: FlowTrigger

  /** Triggers start it (only once a version is published). */
  @column()
  declare enabled: boolean

  @column()
  declare sessionsStarted: number

  @column()
  declare sessionsCompleted: number

  @column()
  declare sessionsHandedOff: number

  @hasMany(() => FlowVersion)
  declare versions: HasMany<typeof FlowVersion>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** Whether another flow of the workspace has this name (names are unique, whatever their case). */
  static async nameTaken(workspaceId: number, name: string, exceptId?: number) {
    const query = this.query().where('workspace_id', workspaceId).whereRaw('lower(name) = lower(?)', [name])
    if (exceptId) query.whereNot('id', exceptId)
    return !!(await query.select('id').first())
  }

  /** The workspace's flow `id`; any other, or none, is 404. */
  static findInWorkspace(workspaceId: number, id: unknown) {
    return this.query().where('workspace_id', workspaceId).where('id', Number(id) || 0).firstOrFail()
  }
}
