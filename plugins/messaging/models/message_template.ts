import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'

/** A template approved at the provider, as last synced for one channel. */
export default class MessageTemplate extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare workspaceId: number

  @column()
  declare channelId: number

  @column()
  declare providerTemplateId: string | null

  @column()
  declare name: string

  @column()
  declare language: string

  @column()
  declare category: string | null

  @column()
  declare status: string

  /** The Cloud API's components: HEADER, BODY, FOOTER, BUTTONS. */
  @column({ prepare: (value: unknown) => JSON.stringify(value) })
  declare components: Record<string, any>[]

  @column.dateTime()
  declare syncedAt: DateTime

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** A channel's templates, by name then language. */
  static ofChannel(channel: { workspaceId: number; id: number }, client?: QueryClientContract) {
    return this.query({ client }).where('workspace_id', channel.workspaceId).where('channel_id', channel.id).orderBy('name').orderBy('language')
  }

  /** The channel's template `name` in `language`, or null. */
  static named(channel: { workspaceId: number; id: number }, name: string, language: string, client?: QueryClientContract) {
    return this.ofChannel(channel, client).where('name', name).where('language', language).first()
  }

  #component(type: string) {
    return this.components.find((component) => String(component.type).toUpperCase() === type)
  }

  /** The media a HEADER carries ('image', 'video', 'document', 'location'), or null for a text header or none. */
  headerMedia() {
    const format = this.#component('HEADER')?.format
    return format && String(format).toUpperCase() !== 'TEXT' ? String(format).toLowerCase() : null
  }

  /** The distinct {{1}} or {{name}} placeholders of a component's text, in order ('1', 'name'). */
  placeholders(type: 'HEADER' | 'BODY') {
    const text = String(this.#component(type)?.text ?? '')
    return [...new Set([...text.matchAll(/\{\{\s*([a-z0-9_]+)\s*\}\}/gi)].map((found) => found[1]))]
  }

  /** How many parameters the component of `type` (HEADER, BODY) takes: its placeholders, or a media header's one. */
  parameterCount(type: 'HEADER' | 'BODY') {
    if (type === 'HEADER' && this.headerMedia()) return 1
    return this.placeholders(type).length
  }

  /**
   * The template as the customer will read it: header, body and footer text with the given
   * parameters in place of {{1}}, {{2}} (or {{name}}, in order), and the buttons' labels.
   * Without parameters the placeholders stay, for a preview of the template itself.
   */
  preview(parameters: { header?: string[]; body?: string[] } = {}) {
    const fill = (text: unknown, values: string[] = []) => {
      const seen: string[] = []
      return String(text ?? '').replace(/\{\{\s*([a-z0-9_]+)\s*\}\}/gi, (placeholder, key: string) => {
        if (!seen.includes(key)) seen.push(key)
        return values[seen.indexOf(key)] ?? placeholder
      })
    }
    const header = this.#component('HEADER')
    return {
      header: header && (header.format ?? 'TEXT') === 'TEXT' ? fill(header.text, parameters.header) : (header?.format ? `[${String(header.format).toLowerCase()}]` : null),
      body: fill(this.#component('BODY')?.text, parameters.body),
      footer: this.#component('FOOTER')?.text ?? null,
      buttons: ((this.#component('BUTTONS')?.buttons ?? []) as { text?: string }[]).map((button) => String(button.text ?? '')),
    }
  }
}
