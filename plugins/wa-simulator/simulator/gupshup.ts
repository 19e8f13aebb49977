/**
 * Gupshup (WhatsApp API v1): form-encoded sends with an `apikey` header, its own message
 * JSON, `{status:'submitted', messageId}` answers (sometimes labelled text/html, as the real
 * one does) and `{status:'error', message}` refusals.
 */
import { ApiError } from './errors.js'
import { json, type Answer, type Router, type SimRequest } from './http.js'
import type { SimNumber } from './numbers.js'
import type { SimState } from './state.js'
import { placeholders, usableTemplate } from './templates.js'
import {
  checkLink,
  checkList,
  checkLocation,
  checkReplyButtons,
  isObject,
  optionalText,
  recipient,
  requiredArray,
  requiredObject,
  requiredText,
  type Json,
} from './validate.js'

function gupshupError(error: ApiError): Answer {
  const status = error.code === 130429 || error.code === 131056 ? 429 : error.httpStatus
  return json(status, { status: 'error', message: error.details })
}

const faultBody = (status: number) => ({ status: 'error', message: status === 429 ? 'Too Many Requests' : 'Internal Server Error' })

/** The number an apikey + source name; the form's channel and app name must agree with it. */
function gupshupNumber(state: SimState, req: SimRequest, form: URLSearchParams) {
  const key = req.header('apikey')
  if (!state.byApiKey('gupshup', key)) throw new ApiError(190, 'Authentication Failed')
  if (form.get('channel') !== 'whatsapp') throw new ApiError(100, 'Invalid Channel')
  const number = state.byApiKey('gupshup', key, (form.get('source') ?? '').replace(/^\+/, ''))
  if (!number) throw new ApiError(100, 'Invalid Source')
  const app = form.get('src.name')
  if (number.info.appName && app !== null && app !== number.info.appName) throw new ApiError(100, 'Invalid App Name')
  return number
}

/** Parses the form, finds the number, runs; ApiErrors become Gupshup's error body. */
async function gupshupRoute(state: SimState, req: SimRequest, run: (number: SimNumber, form: URLSearchParams) => Answer) {
  let number: SimNumber | undefined
  try {
    const form = new URLSearchParams((await req.body()).toString('utf8'))
    number = gupshupNumber(state, req, form)
    return state.takeFault(number, faultBody) ?? run(number, form)
  } catch (error) {
    if (!(error instanceof ApiError)) throw error
    state.countRejection(number?.info.phoneNumberId, error.code)
    return gupshupError(error)
  }
}

function jsonField(raw: string | null, name: string): Json {
  if (raw === null) throw new ApiError(131008, `${name} is required`)
  try {
    const value = JSON.parse(raw)
    if (isObject(value)) return value
  } catch {}
  throw new ApiError(100, `Invalid ${name}: expected a JSON object`)
}

/** Gupshup's message JSON, held to the same WhatsApp limits as Meta's (shared checks). */
function validateMessage(message: Json) {
  const type = message.type
  switch (type) {
    case 'text':
      requiredText(message.text, 'text', 4096)
      break
    case 'image':
      checkLink(message.originalUrl, 'originalUrl')
      if (message.previewUrl !== undefined) checkLink(message.previewUrl, 'previewUrl')
      optionalText(message.caption, 'caption', 1024)
      break
    case 'video':
    case 'audio':
    case 'sticker':
    case 'file':
      checkLink(message.url, 'url')
      if (type === 'video' || type === 'file') optionalText(message.caption, 'caption', 1024)
      if (type === 'file') optionalText(message.filename, 'filename', 240)
      break
    case 'location':
      checkLocation(message, 'location')
      break
    case 'quick_reply': {
      const content = requiredObject(message.content, 'content')
      if (content.type === 'text') {
        requiredText(content.text, 'content.text', 1024)
        optionalText(content.header, 'content.header', 60)
        optionalText(content.caption, 'content.caption', 60)
      } else if (['image', 'video', 'file'].includes(String(content.type))) {
        checkLink(content.url, 'content.url')
        optionalText(content.caption, 'content.caption', 1024)
      } else throw new ApiError(131009, 'content.type must be one of text, image, video, file')
      const options = requiredArray(message.options, 'options').map((option, i) => {
        const item = requiredObject(option, `options[${i}]`)
        return { id: item.postbackText ?? item.title, title: item.title }
      })
      checkReplyButtons(options, 'options')
      break
    }
    case 'list': {
      optionalText(message.title, 'title', 60)
      requiredText(message.body, 'body', 1024)
      const buttons = requiredArray(message.globalButtons, 'globalButtons')
      if (buttons.length !== 1) throw new ApiError(131009, 'globalButtons must hold exactly one button')
      const sections = requiredArray(message.items, 'items').map((value, i) => {
        const item = requiredObject(value, `items[${i}]`)
        const rows = requiredArray(item.options, `items[${i}].options`).map((option, j) => {
          const row = requiredObject(option, `items[${i}].options[${j}]`)
          return { id: row.postbackText ?? row.id ?? row.title, title: row.title, description: row.description }
        })
        return { title: item.title, rows }
      })
      checkList(requiredObject(buttons[0], 'globalButtons[0]').title, sections, 'list')
      break
    }
    default:
      throw new ApiError(131051, `Invalid message type: ${String(type)}`)
  }
  return type
}

/** `message` is JSON; the older API also took plain text. */
function messageField(raw: string | null) {
  if (raw !== null && !raw.trimStart().startsWith('{')) return { type: 'text', text: raw }
  return jsonField(raw, 'message')
}

function submitted(state: SimState, messageId: string): Answer {
  const contentType = state.random.chance(0.5) ? 'text/html; charset=UTF-8' : 'application/json'
  return json(202, { status: 'submitted', messageId }, { 'content-type': contentType })
}

const formObject = (form: URLSearchParams) => Object.fromEntries(form.entries())

function sendMessage(state: SimState, number: SimNumber, form: URLSearchParams) {
  const to = recipient(form.get('destination') ?? undefined, 'destination')
  const message = messageField(form.get('message'))
  const type = validateMessage(message)
  const record = state.admit(
    number,
    { to, type, body: { ...formObject(form), message }, category: 'service' },
    { id: state.random.uuid(), wamid: state.random.wamid(to) }
  )
  return submitted(state, record.id)
}

/** template={"id","params":[…]}: params fill the header text and body placeholders, in order; a media header comes in `message`. */
function sendTemplate(state: SimState, number: SimNumber, form: URLSearchParams) {
  const to = recipient(form.get('destination') ?? undefined, 'destination')
  const payload = jsonField(form.get('template'), 'template')
  const id = requiredText(payload.id, 'template.id', 64)
  const params = payload.params === undefined ? [] : requiredArray(payload.params, 'template.params')
  const template = usableTemplate(
    state.templates.list(number.info.wabaId).find((item) => item.id === id),
    `id ${id}`
  )
  const header = template.components.find((component) => component.type === 'HEADER')
  const body = template.components.find((component) => component.type === 'BODY')
  const expected = placeholders(header?.format === 'TEXT' ? header.text : undefined).length + placeholders(body?.text).length
  if (params.length !== expected) {
    throw new ApiError(132000, `Template params count mismatch: the template expects ${expected}, the request has ${params.length}`)
  }
  params.forEach((param, i) => requiredText(param, `template.params[${i}]`, 1024))
  const media = header?.format && header.format !== 'TEXT' ? header.format.toLowerCase() : null
  const message = form.get('message') === null ? undefined : jsonField(form.get('message'), 'message')
  if (media && media !== 'location') {
    if (message?.type !== media || !isObject(message[media])) {
      throw new ApiError(132012, `This template has a ${media} header: send {"type":"${media}","${media}":{"link":…}} in message`)
    }
    checkLink((message[media] as Json).link, `message.${media}.link`)
  }
  const record = state.admit(
    number,
    { to, type: 'template', body: { ...formObject(form), template: payload, ...(message ? { message } : {}) }, category: template.category.toLowerCase() },
    { id: state.random.uuid(), wamid: state.random.wamid(to) }
  )
  return submitted(state, record.id)
}

export function registerGupshup(router: Router, state: SimState) {
  router.add('POST', /^\/wa\/api\/v1\/msg$/, (req) => gupshupRoute(state, req, (number, form) => sendMessage(state, number, form)))
  router.add('POST', /^\/wa\/api\/v1\/template\/msg$/, (req) =>
    gupshupRoute(state, req, (number, form) => sendTemplate(state, number, form))
  )
  router.add('GET', /^\/sm\/api\/v1\/template\/list\/([^/]+)$/, (req, [appName]) => {
    const key = req.header('apikey')
    const number = [...state.numbers.values()].find(
      (candidate) => candidate.info.mode === 'gupshup' && candidate.info.apiKey === key && candidate.info.appName === appName
    )
    if (!number) return json(401, { status: 'error', message: 'Authentication Failed' })
    return json(200, {
      status: 'success',
      templates: state.templates.list(number.info.wabaId).map((template) => {
        const header = template.components.find((component) => component.type === 'HEADER')
        return {
          id: template.id,
          elementName: template.name,
          languageCode: template.language,
          category: template.category,
          status: template.status,
          templateType: header?.format && header.format !== 'TEXT' ? header.format : 'TEXT',
          data: template.components.find((component) => component.type === 'BODY')?.text ?? '',
        }
      }),
    })
  })
}
