import { Agent, request, type FormData as UndiciFormData } from 'undici'
import { ProviderError, type FailureReason } from '#messaging/services/channel_provider'

/**
 * Every provider HTTP call goes through one keep-alive pool per origin (undici's Agent keeps a
 * Pool per base URL): a channel sending 1,000 messages a second reuses its connections instead
 * of opening one per message, and `request` costs a fraction of `fetch`'s CPU per call.
 */
const agent = new Agent({ connections: 256, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 })

export interface ProviderAnswer {
  status: number
  ok: boolean
  body: Buffer
  header(name: string): string | null
  /** The body as JSON, or null when it is empty or not JSON. */
  json(): any
}

export interface ProviderRequest {
  method?: string
  headers?: Record<string, string>
  body?: string | Buffer | FormData | URLSearchParams
  timeoutMs: number
  /** What a network failure or timeout is reported as ('timeout' when it timed out). */
  failure?: FailureReason
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'])

/** One HTTP call to a provider; network errors and timeouts become a ProviderError. */
export async function providerRequest(url: string, { method = 'GET', headers = {}, body, timeoutMs, failure = 'provider' }: ProviderRequest): Promise<ProviderAnswer> {
  const form = body instanceof URLSearchParams
  try {
    const response = await request(url, {
      dispatcher: agent,
      method: method as 'GET',
      headers: form ? { ...headers, 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' } : headers,
      // undici takes the global FormData too (it reads it as fetch does); its types name their own class.
      body: form ? body.toString() : (body as string | Buffer | UndiciFormData | undefined),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    })
    const bytes = Buffer.from(await response.body.arrayBuffer())
    return {
      status: response.statusCode,
      ok: response.statusCode >= 200 && response.statusCode < 300,
      body: bytes,
      header(name) {
        const value = response.headers[name.toLowerCase()]
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
      },
      json() {
        try {
          return bytes.length ? JSON.parse(bytes.toString('utf8')) : null
        } catch {
          return null
        }
      },
    }
  } catch (error) {
    const code = (error as { code?: string }).code
    throw new ProviderError(code && TIMEOUT_CODES.has(code) ? 'timeout' : failure, null, (error as Error).message)
  }
}
