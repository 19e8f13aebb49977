import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { ContactFilter } from '#crm/services/contact_filter'

/** A saved filter, shared in the workspace (crm_segments); its members are whoever matches now. */
export default class Segment extends BaseModel {
  static table = 'crm_segments'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare name: string

  @column()
  declare filter: ContactFilter

  @column()
  declare createdById: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  static findInWorkspace(workspaceId: number, id: unknown) {
    return this.query().where('workspace_id', workspaceId).where('id', Number(id) || 0).firstOrFail()
  }
}
