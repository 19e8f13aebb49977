import type Channel from '#messaging/models/channel'
import type { Provider } from '#messaging/models/channel'
import type { HeaderReader } from '#messaging/services/channel_provider'
import { CloudApiProvider, hmacHex, sameSecret } from '#whatsapp-cloud/services/cloud_provider'

/**
 * 360dialog proxies the Cloud API: Meta's bodies, answers and webhook envelope, reached at its own
 * host with a D360-API-KEY header, no phone-number id in the path, and no hub handshake.
 */
export class Dialog360Provider extends CloudApiProvider {
  override readonly name: Provider = 'whatsapp-360dialog'
  protected override defaultBaseUrl = 'https://waba-v2.360dialog.io'

  protected override authHeaders(channel: Channel) {
    return { 'D360-API-KEY': channel.credentials.apiKey ?? '' }
  }

  protected override messagesUrl(channel: Channel) {
    return `${this.base(channel)}/messages`
  }

  protected override mediaUploadUrl(channel: Channel) {
    return `${this.base(channel)}/media`
  }

  protected override mediaInfoUrl(channel: Channel, id: string) {
    return `${this.base(channel)}/${encodeURIComponent(id)}`
  }

  /** Meta's lookaside URL, fetched through 360dialog's host with the API key. */
  protected override mediaDownloadUrl(channel: Channel, url: string) {
    const original = new URL(url)
    return `${this.base(channel)}${original.pathname}${original.search}`
  }

  protected override templatesUrl(channel: Channel) {
    return `${this.base(channel)}/v1/configs/templates`
  }

  /** x-360dialog-signature (hex HMAC-SHA256, with or without "sha256="), or a configured static header. */
  override verifyWebhook(channel: Channel, rawBody: string, header: HeaderReader) {
    const credentials = channel.credentials
    if (credentials.webhookSecret) {
      const signature = header('x-360dialog-signature')?.replace(/^sha256=/, '')
      return !!signature && sameSecret(signature, hmacHex(credentials.webhookSecret, rawBody))
    }
    if (credentials.webhookHeaderName && credentials.webhookHeaderValue) {
      const value = header(credentials.webhookHeaderName.toLowerCase())
      return !!value && sameSecret(value, credentials.webhookHeaderValue)
    }
    return false
  }

  override handshake() {
    return null
  }
}

export const dialog360Provider = new Dialog360Provider()
