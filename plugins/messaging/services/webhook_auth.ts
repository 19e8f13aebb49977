import { createHmac, timingSafeEqual } from 'node:crypto'
import type Channel from '#messaging/models/channel'

function same(a: string, b: string) {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

const hmacHex = (secret: string, body: string) => createHmac('sha256', secret).update(body, 'utf8').digest('hex')

/**
 * Is this webhook really from the channel's provider? Checked over the exact body received:
 * - whatsapp-cloud: X-Hub-Signature-256 = "sha256=" + HMAC-SHA256(body, app secret);
 * - whatsapp-360dialog: x-360dialog-signature = HMAC-SHA256(body, webhook secret), hex with or
 *   without "sha256=", or a configured static header;
 * - whatsapp-gupshup: unsigned callbacks, so a secret `?token=` in the webhook URL.
 * A channel with nothing configured to check against accepts nothing.
 */
export function webhookIsAuthentic(
  channel: Channel,
  body: string,
  header: (name: string) => string | undefined,
  query: Record<string, unknown>
) {
  const credentials = channel.credentials
  switch (channel.provider) {
    case 'whatsapp-cloud': {
      const signature = header('x-hub-signature-256')
      return !!credentials.appSecret && !!signature && same(signature, `sha256=${hmacHex(credentials.appSecret, body)}`)
    }
    case 'whatsapp-360dialog': {
      if (credentials.webhookSecret) {
        const signature = header('x-360dialog-signature')?.replace(/^sha256=/, '')
        return !!signature && same(signature, hmacHex(credentials.webhookSecret, body))
      }
      if (credentials.webhookHeaderName && credentials.webhookHeaderValue) {
        const value = header(credentials.webhookHeaderName.toLowerCase())
        return !!value && same(value, credentials.webhookHeaderValue)
      }
      return false
    }
    case 'whatsapp-gupshup': {
      const token = query.token
      return !!credentials.webhookToken && typeof token === 'string' && same(token, credentials.webhookToken)
    }
  }
}
