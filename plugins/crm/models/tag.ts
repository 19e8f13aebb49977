import { DateTime } from 'luxon'
import { BaseModel, afterDelete, afterSave, column } from '@adonisjs/lucid/orm'
import { forgetFilterContextOf } from '#crm/services/filter_context_cache'

/** A label on contacts (crm_tags): name unique per workspace (case-insensitive), and a colour. */
export default class Tag extends BaseModel {
  static table = 'crm_tags'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare name: string

  /** #rrggbb */
  @column()
  declare color: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  static ofWorkspace(workspaceId: number) {
    return this.query().where('workspace_id', workspaceId).orderByRaw('lower(name)')
  }

  /** The contacts list keeps the workspace's fields and tags in a process cache. */
  @afterSave()
  @afterDelete()
  static async forgetListed(row: Tag) {
    await forgetFilterContextOf(row)
  }
}
