import type Channel from '#messaging/models/channel'
import type { Provider } from '#messaging/models/channel'
import {
  ProviderError,
  type ChannelProvider,
  type DownloadedMedia,
  type HeaderReader,
  type OutboundMessage,
  type TemplateDefinition,
} from '#messaging/services/channel_provider'
import { sameSecret } from '#whatsapp-cloud/services/cloud_provider'
import { gupshupMessage, gupshupTemplate, list, templateDefinition } from '#whatsapp-gupshup/services/content'
import { providerRequest } from '#messaging/services/provider_http'
import { gupshupError } from '#whatsapp-gupshup/services/gupshup_errors'
import { parseGupshupWebhook } from '#whatsapp-gupshup/services/webhook'

/**
 * WhatsApp through Gupshup's v1 API: form-encoded sends by app name and source number, templates by
 * Gupshup's template id, media by link only, unsigned callbacks protected by a secret `?token=`.
 * Channel: providerIds `{appName, source, appId?}`, credentials `{apiKey, webhookToken}`.
 */
export class GupshupProvider implements ChannelProvider {
  readonly name: Provider = 'whatsapp-gupshup'
  readonly limits = { defaultThroughputPerSecond: 80, maxThroughputPerSecond: 1000 }
  readonly features = { mediaUpload: false, typing: false, templateIds: true }

  /** Per call; a media download may take four times as long. */
  constructor(private readonly timeoutMs = 15_000) {}

  /**
   * Every Gupshup call: the apikey header, form fields (objects as JSON), an answer read as JSON
   * whatever its Content-Type (Gupshup answers text/html), errors as ProviderError.
   */
  private async call(channel: Channel, method: string, path: string, form?: Record<string, unknown>): Promise<any> {
    const body = new URLSearchParams()
    for (const [key, value] of Object.entries(form ?? {})) {
      if (value !== undefined) body.set(key, typeof value === 'string' ? value : JSON.stringify(value))
    }
    const response = await providerRequest(`${(channel.apiBaseUrl || 'https://api.gupshup.io').replace(/\/+$/, '')}${path}`, {
      method,
      headers: { apikey: channel.credentials.apiKey ?? '', accept: 'application/json' },
      body: form ? body : undefined,
      timeoutMs: this.timeoutMs,
    })
    const json = response.json()
    if (!response.ok || json?.status === 'error') {
      throw gupshupError(response.status, json ?? response.body.toString('utf8'), Number(response.header('retry-after')) || null)
    }
    return json
  }

  async send(channel: Channel, message: OutboundMessage) {
    const fields = {
      'channel': 'whatsapp',
      'source': channel.providerIds.source,
      'destination': message.to,
      'src.name': channel.providerIds.appName,
    }
    const answer =
      message.type === 'template'
        ? await this.call(channel, 'POST', '/wa/api/v1/template/msg', { ...fields, ...gupshupTemplate(message.content) })
        : await this.call(channel, 'POST', '/wa/api/v1/msg', { ...fields, message: gupshupMessage(message) })
    const id = answer?.messageId
    if (typeof id !== 'string' || !id) throw new ProviderError('provider', null, 'the answer carries no message id')
    return { providerMessageId: id }
  }

  /** Blue ticks need the app id (Gupshup's app API); without it the customer keeps grey ticks. */
  async markRead(channel: Channel, providerMessageId: string) {
    const appId = channel.providerIds.appId
    if (!appId) return
    await this.call(channel, 'PUT', `/wa/app/${encodeURIComponent(appId)}/msg/${encodeURIComponent(providerMessageId)}/read`)
  }

  /** Gupshup's v1 API has no typing indicator (features.typing is false). */
  async typing() {}

  async uploadMedia(): Promise<{ id: string }> {
    throw new ProviderError('unsupported', null, 'Gupshup sends media by link')
  }

  /** Inbound media are pre-signed URLs on Gupshup's file manager: fetched without the API key. */
  async downloadMedia(_channel: Channel, reference: string): Promise<DownloadedMedia> {
    if (!/^https?:\/\//i.test(reference)) throw new ProviderError('media', null, 'not a media URL')
    const response = await providerRequest(reference, { timeoutMs: this.timeoutMs * 4, failure: 'media' })
    if (!response.ok) throw new ProviderError('media', String(response.status), 'download refused')
    return { bytes: response.body, mime: response.header('content-type') ?? 'application/octet-stream' }
  }

  /** Gupshup does not sign callbacks: the callback URL carries the channel's secret `?token=`. */
  verifyWebhook(channel: Channel, _rawBody: string, _header: HeaderReader, query: Record<string, unknown>) {
    const expected = channel.credentials.webhookToken
    return !!expected && typeof query.token === 'string' && sameSecret(query.token, expected)
  }

  handshake() {
    return null
  }

  parseWebhook(body: unknown) {
    return parseGupshupWebhook(body)
  }

  async syncTemplates(channel: Channel): Promise<TemplateDefinition[]> {
    const answer = await this.call(channel, 'GET', `/sm/api/v1/template/list/${encodeURIComponent(channel.providerIds.appName ?? '')}`)
    return list(answer?.templates)
      .filter((template) => template?.id && template?.elementName)
      .map(templateDefinition)
  }
}

export const gupshupProvider = new GupshupProvider()
