import { createHmac } from 'node:crypto'
import type { Random } from './random.js'
import type { NumberInfo } from './types.js'

export const hmacHex = (secret: string, bytes: Buffer | string) => createHmac('sha256', secret).update(bytes).digest('hex')

/**
 * JSON the way Meta writes it: every non-ASCII UTF-16 unit as \uXXXX and "/" as "\/".
 * A receiver that re-serialises the parsed body before checking the signature fails here,
 * as it would in production.
 */
export function metaJson(value: unknown) {
  const text = JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/')
  return Buffer.from(text, 'ascii')
}

export interface WebhookRequest {
  url: string
  body: Buffer
  headers: Record<string, string>
}

/**
 * The exact bytes and headers of one webhook POST for a number, per provider:
 * cloud signs with the app secret; 360dialog with its webhook secret (hex, with or without
 * "sha256=": both occur) and/or static headers; gupshup does not sign (its URL carries a token).
 */
export function webhookRequest(number: NumberInfo, payload: unknown, random: Random): WebhookRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (number.mode === 'gupshup') {
    return { url: number.webhookUrl, body: Buffer.from(JSON.stringify(payload)), headers }
  }
  const body = metaJson(payload)
  if (number.mode === 'cloud') {
    headers['user-agent'] = 'facebookexternalua'
    if (number.appSecret) headers['x-hub-signature-256'] = `sha256=${hmacHex(number.appSecret, body)}`
  } else {
    Object.assign(headers, lowerKeys(number.webhookHeaders ?? {}))
    if (number.webhookSecret) {
      const hex = hmacHex(number.webhookSecret, body)
      headers['x-360dialog-signature'] = random.chance(0.5) ? `sha256=${hex}` : hex
    }
  }
  return { url: number.webhookUrl, body, headers }
}

const lowerKeys = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))
