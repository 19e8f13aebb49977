import { createHmac, timingSafeEqual } from 'node:crypto'
import env from '#start/env'
import type Channel from '#messaging/models/channel'
import type { Provider } from '#messaging/models/channel'
import {
  ProviderError,
  type ChannelProvider,
  type DownloadedMedia,
  type HeaderReader,
  type MediaFile,
  type OutboundMessage,
  type TemplateDefinition,
} from '#messaging/services/channel_provider'
import { providerRequest } from '#messaging/services/provider_http'
import { graphError } from '#whatsapp-cloud/services/graph_errors'
import { parseMetaWebhook } from '#whatsapp-cloud/services/webhook'

/** Meta moves the Graph API version yearly; GRAPH_API_VERSION pins another. */
export const GRAPH_VERSION = env.get('GRAPH_API_VERSION') || 'v21.0'
const TIMEOUT_MS = 15_000

export function sameSecret(a: string, b: string) {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

export const hmacHex = (secret: string, body: string) => createHmac('sha256', secret).update(body, 'utf8').digest('hex')

/** The Cloud API request body of a message: the content is already the Cloud API's object. */
export function cloudMessageBody(message: OutboundMessage) {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: message.to,
    type: message.type,
    [message.type]: message.content,
    ...(message.replyToProviderId ? { context: { message_id: message.replyToProviderId } } : {}),
  }
}

/**
 * Meta's WhatsApp Cloud API. whatsapp-360dialog extends this class: same bodies, answers and
 * webhooks, other URLs, authentication and webhook checks (the protected members).
 */
export class CloudApiProvider implements ChannelProvider {
  readonly name: Provider = 'whatsapp-cloud'
  readonly limits = { defaultThroughputPerSecond: 80, maxThroughputPerSecond: 1000 }
  readonly features = { mediaUpload: true, typing: true, templateIds: false }
  protected defaultBaseUrl = 'https://graph.facebook.com'

  protected base(channel: Channel) {
    return (channel.apiBaseUrl || this.defaultBaseUrl).replace(/\/+$/, '')
  }

  protected authHeaders(channel: Channel): Record<string, string> {
    return { authorization: `Bearer ${channel.credentials.accessToken ?? ''}` }
  }

  protected messagesUrl(channel: Channel) {
    return `${this.base(channel)}/${GRAPH_VERSION}/${channel.providerIds.phoneNumberId}/messages`
  }

  protected mediaUploadUrl(channel: Channel) {
    return `${this.base(channel)}/${GRAPH_VERSION}/${channel.providerIds.phoneNumberId}/media`
  }

  protected mediaInfoUrl(channel: Channel, id: string) {
    return `${this.base(channel)}/${GRAPH_VERSION}/${encodeURIComponent(id)}`
  }

  /** Where to fetch a media URL from (360dialog proxies Meta's lookaside host). */
  protected mediaDownloadUrl(_channel: Channel, url: string) {
    return url
  }

  protected templatesUrl(channel: Channel) {
    return `${this.base(channel)}/${GRAPH_VERSION}/${channel.providerIds.wabaId}/message_templates?limit=100`
  }

  /** One Graph API call: JSON in and out, errors as ProviderError. */
  protected async call(channel: Channel, method: string, url: string, body?: unknown | FormData): Promise<any> {
    const isForm = body instanceof FormData
    const response = await providerRequest(url, {
      method,
      headers: { ...this.authHeaders(channel), ...(body && !isForm ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
      timeoutMs: TIMEOUT_MS,
    })
    const json = response.json()
    if (!response.ok || json?.error) throw graphError(response.status, json, Number(response.header('retry-after')) || null)
    return json
  }

  async send(channel: Channel, message: OutboundMessage) {
    const answer = await this.call(channel, 'POST', this.messagesUrl(channel), cloudMessageBody(message))
    const id = answer?.messages?.[0]?.id
    if (typeof id !== 'string') throw new ProviderError('provider', null, 'the answer carries no message id')
    return { providerMessageId: id }
  }

  async markRead(channel: Channel, providerMessageId: string, options: { typing?: boolean } = {}) {
    await this.call(channel, 'POST', this.messagesUrl(channel), {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: providerMessageId,
      ...(options.typing ? { typing_indicator: { type: 'text' } } : {}),
    })
  }

  typing(channel: Channel, providerMessageId: string) {
    return this.markRead(channel, providerMessageId, { typing: true })
  }

  async uploadMedia(channel: Channel, file: MediaFile) {
    const form = new FormData()
    form.set('messaging_product', 'whatsapp')
    form.set('type', file.mime)
    form.set('file', new Blob([file.bytes], { type: file.mime }), file.filename)
    const answer = await this.call(channel, 'POST', this.mediaUploadUrl(channel), form)
    if (typeof answer?.id !== 'string') throw new ProviderError('media', null, 'the answer carries no media id')
    return { id: answer.id }
  }

  async downloadMedia(channel: Channel, reference: string): Promise<DownloadedMedia> {
    const info = await this.call(channel, 'GET', this.mediaInfoUrl(channel, reference))
    if (typeof info?.url !== 'string') throw new ProviderError('media', null, 'the media has no URL')
    const response = await providerRequest(this.mediaDownloadUrl(channel, info.url), { headers: this.authHeaders(channel), timeoutMs: TIMEOUT_MS * 4, failure: 'media' })
    if (!response.ok) throw new ProviderError('media', String(response.status), 'download refused')
    return { bytes: response.body, mime: String(info.mime_type ?? response.header('content-type') ?? 'application/octet-stream') }
  }

  verifyWebhook(channel: Channel, rawBody: string, header: HeaderReader) {
    const secret = channel.credentials.appSecret
    const signature = header('x-hub-signature-256')
    return !!secret && !!signature && sameSecret(signature, `sha256=${hmacHex(secret, rawBody)}`)
  }

  handshake(channel: Channel, query: Record<string, unknown>) {
    const token = channel.credentials.verifyToken
    const matches = query['hub.mode'] === 'subscribe' && !!token && typeof query['hub.verify_token'] === 'string' && sameSecret(query['hub.verify_token'], token)
    return matches ? String(query['hub.challenge'] ?? '') : null
  }

  parseWebhook(body: unknown) {
    return parseMetaWebhook(body)
  }

  async syncTemplates(channel: Channel): Promise<TemplateDefinition[]> {
    const templates: TemplateDefinition[] = []
    let url: string | null = this.templatesUrl(channel)
    // Follow Meta's paging; a bound keeps a misbehaving server from looping us.
    for (let page = 0; url && page < 50; page++) {
      const answer = await this.call(channel, 'GET', url)
      for (const template of answer?.data ?? answer?.waba_templates ?? []) {
        if (!template?.name) continue
        templates.push({
          providerTemplateId: template.id ? String(template.id) : null,
          name: String(template.name),
          language: String(template.language ?? 'en_US'),
          category: template.category ? String(template.category) : null,
          status: String(template.status ?? 'APPROVED'),
          components: Array.isArray(template.components) ? template.components : [],
        })
      }
      url = typeof answer?.paging?.next === 'string' ? answer.paging.next : null
    }
    return templates
  }
}

export const cloudProvider = new CloudApiProvider()
