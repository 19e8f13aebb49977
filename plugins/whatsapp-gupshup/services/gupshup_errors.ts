import { FAILURE_REASONS, ProviderError, type FailureReason } from '#messaging/services/channel_provider'
import { reasonOfCode } from '#whatsapp-cloud/services/graph_errors'

/** Gupshup words the closed customer-service window itself, or passes Meta's "Re-engagement message". */
const WINDOW_CLOSED = /24[- ]?hours?|re-?engagement/i

/** Codes Gupshup reports that are not the Cloud API's: 470 is the On-Premises API's closed window. */
const GUPSHUP_CODES: Record<number, FailureReason> = { 470: 'window_closed' }

/**
 * What a Gupshup error says: its code (Meta's, passed through, or an On-Premises one), else its
 * words about the 24-hour window, else null.
 */
export function reasonOf(code: unknown, message: unknown): FailureReason | null {
  // Number('') and Number(null) are 0, Meta's "auth" code: only a real code is looked up.
  const numeric = typeof code === 'number' || (typeof code === 'string' && code.trim() !== '') ? Number(code) : Number.NaN
  const known = Number.isFinite(numeric) ? (GUPSHUP_CODES[numeric] ?? reasonOfCode(numeric)) : null
  if (known) return known
  return typeof message === 'string' && WINDOW_CLOSED.test(message) ? 'window_closed' : null
}

/** The human reason of a failed message: ours when the code or words are known, Gupshup's otherwise. */
export function failureText(code: unknown, reason: unknown) {
  const known = reasonOf(code, reason)
  if (known) return FAILURE_REASONS[known].text
  return typeof reason === 'string' && reason ? reason : null
}

function reasonOfStatus(status: number): FailureReason {
  if (status === 401 || status === 403) return 'auth'
  if (status === 429) return 'throttled'
  if (status >= 500) return 'provider'
  return 'invalid'
}

/**
 * The error of a failed call: `{"status":"error","message":"…"}` (sometimes with HTTP 200), an
 * HTTP error status, or a body that is not JSON at all (then its text is the detail).
 */
export function gupshupError(status: number, body: unknown, retryAfter: number | null = null) {
  const json = body && typeof body === 'object' ? (body as Record<string, unknown>) : null
  const detail = typeof json?.message === 'string' ? json.message : typeof body === 'string' ? body.slice(0, 200) : ''
  const code = json?.code !== undefined && json?.code !== null ? String(json.code) : String(status)
  return new ProviderError(reasonOf(json?.code, detail) ?? reasonOfStatus(status), code, detail || undefined, retryAfter)
}
