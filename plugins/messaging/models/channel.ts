import { DateTime } from 'luxon'
import encryption from '@adonisjs/core/services/encryption'
import { afterDelete, afterSave, BaseModel, column } from '@adonisjs/lucid/orm'
import { ProcessCache } from '#core/process_cache'

export const PROVIDERS = ['whatsapp-cloud', 'whatsapp-360dialog', 'whatsapp-gupshup'] as const
export type Provider = (typeof PROVIDERS)[number]

// Every webhook and every send names its channel: a row read (and credentials decrypted) each time otherwise.
const cachedChannels = new ProcessCache<Channel | null>('messaging.channels', { ttlMs: 30_000, maxEntries: 10_000 })

/**
 * A WhatsApp number connected through a provider. Its credentials (tokens, app secrets, API
 * keys) are encrypted with APP_KEY in the column and never serialized.
 */
export default class Channel extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare provider: Provider

  @column()
  declare name: string

  @column()
  declare displayPhone: string

  @column()
  declare providerIds: Record<string, string>

  @column({
    serializeAs: null,
    prepare: (value: Record<string, string>) => encryption.encrypt(value),
    consume: (value: string) => encryption.decrypt<Record<string, string>>(value) ?? {},
  })
  declare credentials: Record<string, string>

  @column()
  declare apiBaseUrl: string | null

  @column()
  declare throughputPerSecond: number

  @column.dateTime()
  declare lastWebhookAt: DateTime | null

  @column()
  declare lastError: string | null

  @column.dateTime()
  declare lastErrorAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** The workspace's channel `id` (from a URL or a payload); any other, or none, is 404. */
  static findInWorkspace(workspaceId: number, id: unknown) {
    return this.query().where('workspace_id', workspaceId).where('id', Number(id) || 0).firstOrFail()
  }

  /**
   * The channel `id` (any workspace: callers check), from this process's cache, for the hot
   * paths (webhooks, sends). Shared by everyone who asks: read it, do not change it.
   */
  static cached(id: number) {
    return cachedChannels.get(id, () => Channel.find(id))
  }

  @afterSave()
  @afterDelete()
  static async forgetCached(channel: Channel) {
    await cachedChannels.forgetRow(channel, channel.id)
  }
}
