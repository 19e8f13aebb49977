import { DateTime } from 'luxon'
import encryption from '@adonisjs/core/services/encryption'
import { afterDelete, afterSave, BaseModel, column } from '@adonisjs/lucid/orm'
import { ProcessCache } from '#core/process_cache'

export const PROVIDERS = ['whatsapp-cloud', 'whatsapp-360dialog', 'whatsapp-gupshup'] as const
export type Provider = (typeof PROVIDERS)[number]

// Every webhook names its channel: a row read (and credentials decrypted) per request otherwise.
const webhookChannels = new ProcessCache<Channel | null>('messaging.channels', { ttlMs: 30_000, maxEntries: 10_000 })

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

  /** The channel a webhook names, from this process's cache: read-only, shared by requests. */
  static forWebhook(id: number) {
    return webhookChannels.get(id, () => Channel.find(id))
  }

  @afterSave()
  @afterDelete()
  static async forgetCached(channel: Channel) {
    await webhookChannels.forget(channel.id)
  }
}
