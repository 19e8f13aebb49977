import { DateTime } from 'luxon'
import { BaseModel, afterDelete, afterSave, column } from '@adonisjs/lucid/orm'
import { ProcessCache } from '#core/process_cache'

// The bell's count is on every page: kept per process, forgotten everywhere when the user's notifications change.
const unreadCounts = new ProcessCache<number>('notifications.unread', { ttlMs: 30_000, maxEntries: 50_000 })

export default class Notification extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare workspaceId: number | null

  @column()
  declare title: string

  @column()
  declare body: string | null

  @column()
  declare url: string | null

  @column.dateTime()
  declare readAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  static unreadCount(userId: number) {
    return unreadCounts.get(userId, async () => {
      const [row] = await Notification.query().where('user_id', userId).whereNull('read_at').count('* as total')
      return Number(row.$extras.total)
    })
  }

  static async markAllRead(userId: number) {
    await Notification.query().where('user_id', userId).whereNull('read_at').update({ readAt: DateTime.now() })
    await unreadCounts.forget(userId)
  }

  @afterSave()
  @afterDelete()
  static async forgetUnreadCount(notification: Notification) {
    await unreadCounts.forgetRow(notification, notification.userId)
  }
}
