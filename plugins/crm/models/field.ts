import { DateTime } from 'luxon'
import { BaseModel, afterDelete, afterSave, column } from '@adonisjs/lucid/orm'
import { forgetFilterContextOf } from '#crm/services/filter_context_cache'

export const FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'select', 'multiselect', 'url', 'email', 'phone'] as const
export type FieldType = (typeof FIELD_TYPES)[number]

/** A custom field of the workspace's contacts (crm_fields); values live in contacts.attributes under `key`. */
export default class Field extends BaseModel {
  static table = 'crm_fields'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare key: string

  @column()
  declare label: string

  @column()
  declare type: FieldType

  /** The choices of a select or multiselect (empty for other types); pg would send an array as a Postgres array, not JSON. */
  @column({ prepare: (value: string[]) => JSON.stringify(value) })
  declare options: string[]

  @column()
  declare required: boolean

  @column()
  declare position: number

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  static ofWorkspace(workspaceId: number) {
    return this.query().where('workspace_id', workspaceId).orderBy('position').orderBy('id')
  }

  /** The contacts list keeps the workspace's fields and tags in a process cache. */
  @afterSave()
  @afterDelete()
  static async forgetListed(row: Field) {
    await forgetFilterContextOf(row)
  }
}
