import { ProviderError, type FailureReason } from '#messaging/services/channel_provider'

/** Meta's error codes (../shared/docs/whatsapp-contracts.md) → the kernel's reasons. */
const BY_CODE: Record<number, FailureReason> = {
  0: 'auth',
  190: 'auth',
  10: 'permission',
  368: 'policy',
  100: 'invalid',
  131008: 'invalid',
  131009: 'invalid',
  4: 'throttled',
  80007: 'throttled',
  130429: 'throttled',
  131056: 'pair_rate',
  131048: 'spam',
  131026: 'undeliverable',
  131047: 'window_closed',
  131049: 'not_delivered',
  131051: 'unsupported',
  131052: 'media',
  131053: 'media',
  131030: 'not_allowed',
  132000: 'template',
  132001: 'template',
  132012: 'template',
  132015: 'template_paused',
  131000: 'provider',
  3: 'provider',
}

/** The reason of a Meta error code, or null when Meta has not documented it. */
export function reasonOfCode(code: number): FailureReason | null {
  if (BY_CODE[code]) return BY_CODE[code]
  if (code >= 200 && code <= 299) return 'permission'
  return null
}

/** What an HTTP status alone says, for answers without a known code. */
function reasonOfStatus(status: number): FailureReason {
  if (status === 401) return 'auth'
  if (status === 403) return 'permission'
  if (status === 429 || status === 503) return 'throttled'
  if (status >= 500) return 'provider'
  return 'invalid'
}

/**
 * The error of a failed Graph API call: Meta's `{"error":{code, error_data:{details}}}`, or
 * 360dialog's own `{"meta":{"success":false,"http_code","developer_message"}}`.
 */
export function graphError(status: number, body: any, retryAfter: number | null = null): ProviderError {
  const error = body?.error
  if (error && typeof error === 'object') {
    const code = Number(error.code)
    const detail = error.error_data?.details ?? error.message
    return new ProviderError(reasonOfCode(code) ?? reasonOfStatus(status), Number.isFinite(code) ? String(code) : null, detail, retryAfter)
  }
  const meta = body?.meta
  return new ProviderError(reasonOfStatus(status), meta?.http_code ? String(meta.http_code) : String(status), meta?.developer_message, retryAfter)
}
