/**
 * Meta's Graph API (Cloud API): messages, media, templates, the phone number — and the
 * request handling 360dialog shares, since it proxies Meta's bodies unchanged.
 */
import { ApiError, metaErrorBody } from './errors.js'
import { json, type Answer, type Router, type SimRequest } from './http.js'
import { parseMultipart, UPLOAD_BODY_LIMIT, type MediaBlob } from './media.js'
import type { SimNumber } from './numbers.js'
import type { SimState } from './state.js'
import { checkTemplateSend } from './templates.js'
import { isObject, optionalText, requiredText, validateMetaMessage } from './validate.js'

const VERSION = String.raw`\/v\d+\.\d+`

/** Runs a Meta-shaped handler: ApiErrors become Meta's error body, counted against the number. */
export async function metaAnswer(state: SimState, phoneNumberId: string | undefined, run: () => Answer | Promise<Answer>) {
  try {
    return await run()
  } catch (error) {
    if (!(error instanceof ApiError)) throw error
    state.countRejection(phoneNumberId, error.code)
    return json(error.httpStatus, metaErrorBody(error, state.random))
  }
}

/** A provider error body for a fault without one: 429 → throughput, otherwise a generic error. */
export const metaFaultBody = (state: SimState) => (status: number) =>
  metaErrorBody(new ApiError(status === 429 ? 130429 : 131000, 'Simulated fault', status), state.random)

/** POST …/messages: a send or a mark-read, after any queued fault. */
export async function metaMessages(state: SimState, number: SimNumber, req: SimRequest): Promise<Answer> {
  const fault = state.takeFault(number, metaFaultBody(state))
  if (fault) return fault
  const body = await req.json()
  if (!isObject(body)) throw new ApiError(100, 'The request body must be a JSON object.')
  if (body.status === 'read') return markRead(state, number, body)

  const wabaTemplates = state.templates.list(number.info.wabaId)
  const context = { mediaExists: (id: string) => state.media.get(id) !== undefined }
  const valid = validateMetaMessage(body, {
    ...context,
    checkTemplate: (template) => checkTemplateSend(template, wabaTemplates, context).category.toLowerCase(),
  })
  const opaque = typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : undefined
  const record = state.admit(number, { to: valid.to, type: valid.type, body, category: valid.category, opaque })
  return json(200, {
    messaging_product: 'whatsapp',
    contacts: [{ input: String(body.to), wa_id: valid.to }],
    messages: [{ id: record.wamid, ...(valid.type === 'template' ? { message_status: 'accepted' } : {}) }],
  })
}

function markRead(state: SimState, number: SimNumber, body: Record<string, unknown>) {
  if (body.messaging_product !== 'whatsapp') throw new ApiError(100, 'Param messaging_product must be one of {WHATSAPP}.')
  const messageId = requiredText(body.message_id, 'message_id', 1024)
  if (body.typing_indicator !== undefined) {
    const typing = body.typing_indicator
    if (!isObject(typing) || typing.type !== 'text') throw new ApiError(131009, 'Param typing_indicator.type must be "text".')
  }
  state.markRead(number, messageId, body)
  return json(200, { success: true })
}

/** POST …/media: multipart `file`, `type`, `messaging_product=whatsapp` → { id }. */
export async function metaUpload(state: SimState, number: SimNumber, req: SimRequest) {
  const { fields, files } = parseMultipart(await req.body(UPLOAD_BODY_LIMIT), req.header('content-type') ?? '')
  if (fields.messaging_product === undefined) throw new ApiError(131008, 'The parameter messaging_product is required.')
  if (fields.messaging_product !== 'whatsapp') throw new ApiError(100, 'Param messaging_product must be one of {WHATSAPP}.')
  const file = files.find((part) => part.field === 'file')
  if (!file) throw new ApiError(131008, 'The parameter file is required.')
  optionalText(fields.type, 'type', 255)
  const blob = state.media.upload(number.info.phoneNumberId, fields.type ?? file.contentType, file.data, file.filename)
  return json(200, { id: blob.id })
}

export function metaMediaInfo(state: SimState, blob: MediaBlob) {
  return json(200, {
    messaging_product: 'whatsapp',
    url: state.media.url(state.baseUrl, blob.id),
    mime_type: blob.mimeType,
    sha256: blob.sha256,
    file_size: blob.data.length,
    id: blob.id,
  })
}

const unknownObject = (id: string) =>
  new ApiError(
    100,
    `Unsupported request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    400,
    33
  )

/** The Bearer token must be the number's. */
function authorize(req: SimRequest, number: SimNumber) {
  if (req.bearer() !== number.info.accessToken) throw new ApiError(190, 'Invalid OAuth access token.')
}

function cloudNumber(state: SimState, req: SimRequest, phoneNumberId: string) {
  const number = state.numbers.get(phoneNumberId)
  if (!number || number.info.mode !== 'cloud') throw unknownObject(phoneNumberId)
  authorize(req, number)
  return number
}

/** Meta's template listing with cursor paging (limit, after). */
function templatePage(state: SimState, req: SimRequest, wabaId: string) {
  const all = state.templates.list(wabaId)
  const limit = Math.min(Math.max(Number(req.query('limit')) || 25, 1), 100)
  const start = Number(Buffer.from(req.query('after') ?? '', 'base64url').toString() || 0)
  const page = all.slice(start, start + limit)
  const cursor = (index: number) => Buffer.from(String(index)).toString('base64url')
  const next = start + limit < all.length ? cursor(start + limit) : undefined
  return json(200, {
    data: page.map(({ name, parameter_format, components, language, status, category, id }) => ({
      name,
      parameter_format,
      components,
      language,
      status,
      category,
      id,
    })),
    paging: {
      cursors: { before: cursor(start), after: cursor(start + page.length) },
      ...(next ? { next: `${state.baseUrl}${req.url.pathname}?limit=${limit}&after=${next}` } : {}),
    },
  })
}

export function registerCloud(router: Router, state: SimState) {
  const path = (rest: string) => new RegExp(`^${VERSION}${rest}$`)

  router.add('POST', path('/([^/]+)/messages'), (req, [id]) =>
    metaAnswer(state, id, () => metaMessages(state, cloudNumber(state, req, id), req))
  )
  router.add('POST', path('/([^/]+)/media'), (req, [id]) => metaAnswer(state, id, () => metaUpload(state, cloudNumber(state, req, id), req)))

  router.add('GET', path('/([^/]+)/message_templates'), (req, [wabaId]) =>
    metaAnswer(state, undefined, () => {
      const numbers = [...state.numbers.values()].filter((number) => number.info.mode === 'cloud' && number.info.wabaId === wabaId)
      if (!numbers.length) throw unknownObject(wabaId)
      if (!numbers.some((number) => number.info.accessToken === req.bearer())) throw new ApiError(190, 'Invalid OAuth access token.')
      return templatePage(state, req, wabaId)
    })
  )

  // GET /{id}: a media object, or a phone number (what "test connection" calls).
  router.add('GET', path('/([^/]+)'), (req, [id]) =>
    metaAnswer(state, undefined, () => {
      const blob = state.media.get(id)
      if (blob) {
        authorize(req, ownerOf(state, blob, id))
        return metaMediaInfo(state, blob)
      }
      const info = cloudNumber(state, req, id).info
      return json(200, {
        verified_name: info.appName ?? 'Switchboard Simulator',
        display_phone_number: `+${info.displayPhone}`,
        id: info.phoneNumberId,
        quality_rating: 'GREEN',
        code_verification_status: 'VERIFIED',
        platform_type: 'CLOUD_API',
        throughput: { level: 'STANDARD' },
      })
    })
  )

  router.add('DELETE', path('/([^/]+)'), (req, [id]) =>
    metaAnswer(state, undefined, () => {
      const blob = state.media.get(id)
      if (!blob) throw unknownObject(id)
      authorize(req, ownerOf(state, blob, id))
      state.media.delete(id)
      return json(200, { success: true })
    })
  )
}

function ownerOf(state: SimState, blob: MediaBlob, id: string) {
  const owner = state.numbers.get(blob.owner)
  if (!owner || owner.info.mode !== 'cloud') throw unknownObject(id)
  return owner
}

/**
 * The lookaside download every mode's media URLs point at: signed and short-lived, and
 * like Meta's it also wants the owner's credentials (Bearer, or 360dialog's key; Gupshup's
 * URLs are open).
 */
export function registerDownloads(router: Router, state: SimState) {
  router.add('GET', /^\/whatsapp_business\/attachments\/?$/, (req) => {
    const blob = state.media.fromUrl(req.url.searchParams)
    if (!blob) return json(404, { error: { message: 'URL signature mismatch or expired', code: 100 } })
    const owner = state.numbers.get(blob.owner)?.info
    const allowed =
      owner?.mode === 'gupshup' ||
      (owner?.mode === 'cloud' && req.bearer() === owner.accessToken) ||
      (owner?.mode === '360dialog' && req.header('d360-api-key') === owner.apiKey)
    if (!allowed) return json(401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } })
    return { status: 200, body: blob.data, headers: { 'content-type': blob.mimeType } }
  })
}
