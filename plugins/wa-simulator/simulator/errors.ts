import type { Random } from './random.js'

/** Meta's titles, used in `(#code) title` messages and in failed statuses' errors. */
const TITLES: Record<number, string> = {
  100: 'Invalid parameter',
  190: 'Invalid OAuth access token - Cannot parse access token',
  130429: 'Rate limit hit',
  131000: 'Something went wrong',
  131008: 'Required parameter is missing',
  131009: 'Parameter value is not valid',
  131047: 'Re-engagement message',
  131051: 'Unsupported message type',
  131053: 'Media upload error',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  132000: 'Number of parameters does not match the expected number of params',
  132001: 'Template name does not exist in the translation',
  132012: 'Parameter format does not match format in the created template',
  132015: 'Template is Paused',
}

export const WINDOW_CLOSED =
  'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'

/**
 * A refusal in Meta's terms (code + details). Every mode throws these; each mode renders them
 * in its own shape (metaError, gupshup's { status: 'error' }).
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
    readonly httpStatus = code === 190 ? 401 : code === 131000 ? 500 : 400,
    readonly subcode?: number
  ) {
    super(`(#${code}) ${TITLES[code] ?? 'Error'}`)
  }

  get title() {
    return TITLES[this.code] ?? 'Error'
  }
}

/** Meta's synchronous error body. */
export function metaErrorBody(error: ApiError, random: Random) {
  return {
    error: {
      message: error.message,
      type: 'OAuthException',
      code: error.code,
      ...(error.subcode !== undefined ? { error_subcode: error.subcode } : {}),
      ...(error.code === 190 ? {} : { error_data: { messaging_product: 'whatsapp', details: error.details } }),
      fbtrace_id: random.bytes(16).toString('base64').replace(/[+/=]/g, '').slice(0, 23),
    },
  }
}

/** The same error as it appears in a failed status webhook. */
export function statusError(error: ApiError) {
  return { code: error.code, title: error.title, message: error.title, error_data: { details: error.details } }
}

/** 360dialog's own error shape (bad key, capacity); validation errors pass Meta's through. */
export function dialogErrorBody(httpCode: number, message: string, random: Random) {
  return { meta: { success: false, http_code: httpCode, developer_message: message, '360dialog_trace_id': random.hex(32) } }
}
