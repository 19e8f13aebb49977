import { DateTime } from 'luxon'
import { BaseModel, column, scope } from '@adonisjs/lucid/orm'

export type OptInStatus = 'unknown' | 'opted_in' | 'opted_out'

/** A customer a workspace talks to, by phone number (E.164, unique per workspace). */
export default class Contact extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare phone: string

  @column()
  declare waId: string | null

  @column()
  declare name: string | null

  @column()
  declare profileName: string | null

  @column()
  declare locale: string | null

  @column()
  declare optInStatus: OptInStatus

  @column()
  declare optInSource: string | null

  @column.dateTime()
  declare optInAt: DateTime | null

  @column()
  declare blocked: boolean

  @column()
  declare attributes: Record<string, unknown>

  /** Set while a plugin is deleting the contact with an undo window (the CRM's bulk delete: its id); such a contact is shown nowhere. */
  @column()
  declare hiddenBy: number | null

  /** Contacts not hidden by a pending delete: every list and lookup of contacts goes through it. */
  static visible = scope((query) => {
    query.whereNull('hidden_by')
  })

  /** The workspace's contact `id` (from a URL or a payload); any other, none, or one a pending delete hides, is 404. */
  static findInWorkspace<T extends typeof Contact>(this: T, workspaceId: number, id: unknown): Promise<InstanceType<T>> {
    const query = this.query().where('workspace_id', workspaceId).where('id', Number(id) || 0)
    Contact.visible(query)
    return query.firstOrFail() as Promise<InstanceType<T>>
  }

  @column.dateTime()
  declare firstSeenAt: DateTime | null

  @column.dateTime()
  declare lastSeenAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
