/**
 * Send validation with Meta's limits and codes (100 wrong type or field not allowed,
 * 131008 missing, 131009 invalid value, 131051 unknown type). One checker per message
 * family; the reply-button and list rules are shared with Gupshup's equivalents.
 */
import { ApiError } from './errors.js'

export type Json = Record<string, unknown>

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const length = (text: string) => [...text].length

/** A present string of 1..max characters. */
export function requiredText(value: unknown, where: string, max: number) {
  if (value === undefined || value === null) throw new ApiError(131008, `The parameter ${where} is required.`)
  return optionalText(value, where, max)!
}

export function optionalText(value: unknown, where: string, max: number, min = 1) {
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new ApiError(100, `Param ${where} must be a string.`)
  if (length(value) < min || length(value) > max) {
    throw new ApiError(131009, `Param ${where} length invalid. Min length: ${min}, Max length: ${max}, given: ${length(value)}.`)
  }
  return value
}

export function requiredObject(value: unknown, where: string) {
  if (value === undefined || value === null) throw new ApiError(131008, `The parameter ${where} is required.`)
  if (!isObject(value)) throw new ApiError(100, `Param ${where} must be a JSON object.`)
  return value
}

export function requiredArray(value: unknown, where: string) {
  if (value === undefined || value === null) throw new ApiError(131008, `The parameter ${where} is required.`)
  if (!Array.isArray(value)) throw new ApiError(100, `Param ${where} must be an array.`)
  return value as unknown[]
}

export function checkLink(value: unknown, where: string) {
  const ok = typeof value === 'string' && /^https?:\/\/[^\s]+$/i.test(value) && URL.canParse(value)
  if (!ok) throw new ApiError(131009, `Param ${where} must be a valid http(s) URL.`)
  return value as string
}

/** WhatsApp ids are 5..15 digits; a leading '+' is tolerated as Meta does. */
export function recipient(value: unknown, where = 'to') {
  if (value === undefined || value === null || value === '') throw new ApiError(131008, `The parameter ${where} is required.`)
  const digits = typeof value === 'string' ? value.replace(/^\+/, '') : ''
  if (!/^\d{5,15}$/.test(digits)) throw new ApiError(100, `Param ${where} is not a valid WhatsApp phone number: ${String(value)}.`)
  return digits
}

/* ------------------------------------------------------- shared interactive rules */

/** 1–3 reply buttons, ids ≤idMax and titles ≤20, both unique (Meta reply buttons, Gupshup quick replies). */
export function checkReplyButtons(buttons: { id: unknown; title: unknown }[], where: string, idMax = 256) {
  if (buttons.length < 1 || buttons.length > 3) {
    throw new ApiError(131009, `Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: 3, given: ${buttons.length}.`)
  }
  buttons.forEach((button, i) => {
    requiredText(button.id, `${where}[${i}].id`, idMax)
    requiredText(button.title, `${where}[${i}].title`, 20)
  })
  if (new Set(buttons.map((button) => button.id)).size !== buttons.length) throw new ApiError(131009, 'Button IDs must be unique.')
  if (new Set(buttons.map((button) => button.title)).size !== buttons.length) {
    throw new ApiError(131009, 'Button titles must be unique.')
  }
}

export interface ListSectionInput {
  title?: unknown
  rows: { id: unknown; title: unknown; description?: unknown }[]
}

/** A list message: button ≤20, 1–10 sections, ≤10 rows in all, unique row ids, titles required past one section. */
export function checkList(button: unknown, sections: ListSectionInput[], where: string) {
  requiredText(button, `${where}.button`, 20)
  if (sections.length < 1 || sections.length > 10) {
    throw new ApiError(131009, `Invalid number of sections. Min allowed sections: 1, Max allowed sections: 10, given: ${sections.length}.`)
  }
  const total = sections.reduce((sum, section) => sum + section.rows.length, 0)
  if (total > 10) throw new ApiError(131009, `Total row count exceed max allowed count: 10, given: ${total}.`)
  const ids = new Set<unknown>()
  sections.forEach((section, i) => {
    const place = `${where}.sections[${i}]`
    if (sections.length > 1) requiredText(section.title, `${place}.title`, 24)
    else optionalText(section.title, `${place}.title`, 24)
    if (!section.rows.length) throw new ApiError(131009, `Param ${place}.rows must have at least one row.`)
    section.rows.forEach((row, j) => {
      requiredText(row.id, `${place}.rows[${j}].id`, 200)
      requiredText(row.title, `${place}.rows[${j}].title`, 24)
      optionalText(row.description, `${place}.rows[${j}].description`, 72)
      if (ids.has(row.id)) throw new ApiError(131009, `Row IDs must be unique: ${String(row.id)}.`)
      ids.add(row.id)
    })
  })
}

/* --------------------------------------------------------------- Meta families */

export interface MetaSendContext {
  mediaExists(id: string): boolean
  /** Checks a template payload against the number's templates; answers its category. */
  checkTemplate(template: Json): string
}

export interface ValidSend {
  /** Recipient digits. */
  to: string
  type: string
  /** Pricing category: 'service' for free-form messages, the template's otherwise. */
  category: string
}

const MEDIA = ['image', 'video', 'audio', 'document', 'sticker'] as const
const TYPES = ['text', ...MEDIA, 'template', 'interactive', 'reaction', 'location', 'contacts']

/** A media object by `id` (one the simulator stores) or `link`; captions and filenames where Meta allows them. */
export function checkMedia(type: string, content: Json, where: string, context: Pick<MetaSendContext, 'mediaExists'>) {
  const { id, link } = content
  if (id === undefined && link === undefined) throw new ApiError(131008, `The parameter ${where}.id or ${where}.link is required.`)
  if (id !== undefined && link !== undefined) throw new ApiError(131009, `Param ${where}: give either id or link, not both.`)
  if (id !== undefined && (typeof id !== 'string' || !context.mediaExists(id))) {
    throw new ApiError(131009, `Param ${where}.id is not a valid media id: ${String(id)}.`)
  }
  if (link !== undefined) checkLink(link, `${where}.link`)
  if (content.caption !== undefined && (type === 'audio' || type === 'sticker')) {
    throw new ApiError(100, `Param ${where}.caption is not allowed for ${type} messages.`)
  }
  optionalText(content.caption, `${where}.caption`, 1024)
  if (content.filename !== undefined && type !== 'document') {
    throw new ApiError(100, `Param ${where}.filename is only allowed for documents.`)
  }
  optionalText(content.filename, `${where}.filename`, 240)
}

function checkText(content: Json) {
  requiredText(content.body, 'text.body', 4096)
  if (content.preview_url !== undefined && typeof content.preview_url !== 'boolean') {
    throw new ApiError(100, 'Param text.preview_url must be a boolean.')
  }
}

function checkInteractive(content: Json, context: MetaSendContext) {
  const kind = content.type
  if (kind === undefined) throw new ApiError(131008, 'The parameter interactive.type is required.')
  if (kind !== 'button' && kind !== 'list' && kind !== 'cta_url') {
    throw new ApiError(131009, `Param interactive.type must be one of {button, list, cta_url}, given: ${String(kind)}.`)
  }
  if (content.header !== undefined) {
    const header = requiredObject(content.header, 'interactive.header')
    const allowed = kind === 'list' ? ['text'] : ['text', 'image', 'video', 'document']
    if (typeof header.type !== 'string' || !allowed.includes(header.type)) {
      throw new ApiError(131009, `Param interactive.header.type must be one of {${allowed.join(', ')}}.`)
    }
    if (header.type === 'text') requiredText(header.text, 'interactive.header.text', 60)
    else checkMedia(header.type, requiredObject(header[header.type], `interactive.header.${header.type}`), `interactive.header.${header.type}`, context)
  }
  requiredText(requiredObject(content.body, 'interactive.body').text, 'interactive.body.text', kind === 'list' ? 4096 : 1024)
  if (content.footer !== undefined) requiredText(requiredObject(content.footer, 'interactive.footer').text, 'interactive.footer.text', 60)
  const action = requiredObject(content.action, 'interactive.action')

  if (kind === 'button') {
    const buttons = requiredArray(action.buttons, 'interactive.action.buttons').map((button, i) => {
      const where = `interactive.action.buttons[${i}]`
      const item = requiredObject(button, where)
      if (item.type !== 'reply') throw new ApiError(131009, `Param ${where}.type must be "reply".`)
      return requiredObject(item.reply, `${where}.reply`)
    })
    checkReplyButtons(buttons as { id: unknown; title: unknown }[], 'interactive.action.buttons', 256)
  } else if (kind === 'list') {
    const sections = requiredArray(action.sections, 'interactive.action.sections').map((section, i) => {
      const item = requiredObject(section, `interactive.action.sections[${i}]`)
      const rows = requiredArray(item.rows, `interactive.action.sections[${i}].rows`)
      return { title: item.title, rows: rows.map((row, j) => requiredObject(row, `interactive.action.sections[${i}].rows[${j}]`)) }
    })
    checkList(action.button, sections as ListSectionInput[], 'interactive.action')
  } else {
    if (action.name !== 'cta_url') throw new ApiError(131009, 'Param interactive.action.name must be "cta_url".')
    const parameters = requiredObject(action.parameters, 'interactive.action.parameters')
    requiredText(parameters.display_text, 'interactive.action.parameters.display_text', 20)
    checkLink(parameters.url, 'interactive.action.parameters.url')
  }
}

function checkReaction(content: Json) {
  requiredText(content.message_id, 'reaction.message_id', 1024)
  // An empty emoji removes the reaction.
  if (typeof content.emoji !== 'string') throw new ApiError(131008, 'The parameter reaction.emoji is required.')
  optionalText(content.emoji, 'reaction.emoji', 10, 0)
}

export function checkLocation(content: Json, where = 'location') {
  for (const [field, limit] of [['latitude', 90], ['longitude', 180]] as const) {
    const value = content[field]
    if (value === undefined) throw new ApiError(131008, `The parameter ${where}.${field} is required.`)
    const number = Number(value)
    if (!Number.isFinite(number) || Math.abs(number) > limit) throw new ApiError(131009, `Param ${where}.${field} is not valid: ${String(value)}.`)
  }
  optionalText(content.name, `${where}.name`, 1000)
  optionalText(content.address, `${where}.address`, 1000)
}

function checkContacts(contacts: unknown[]) {
  if (!contacts.length) throw new ApiError(131008, 'The parameter contacts needs at least one contact.')
  contacts.forEach((contact, i) => {
    const name = requiredObject(requiredObject(contact, `contacts[${i}]`).name, `contacts[${i}].name`)
    requiredText(name.formatted_name, `contacts[${i}].name.formatted_name`, 1000)
  })
}

/** A Cloud API message body (not a mark-read). */
export function validateMetaMessage(body: unknown, context: MetaSendContext): ValidSend {
  if (!isObject(body)) throw new ApiError(100, 'The request body must be a JSON object.')
  if (body.messaging_product === undefined) throw new ApiError(131008, 'The parameter messaging_product is required.')
  if (body.messaging_product !== 'whatsapp') {
    throw new ApiError(100, `Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product)}".`)
  }
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    throw new ApiError(100, 'Param recipient_type must be "individual".')
  }
  const to = recipient(body.to)
  const type = body.type ?? 'text'
  if (typeof type !== 'string' || !TYPES.includes(type)) {
    throw new ApiError(131051, `Message type "${String(type)}" is not supported.`)
  }
  if (body.context !== undefined) requiredText(requiredObject(body.context, 'context').message_id, 'context.message_id', 1024)
  if (body.biz_opaque_callback_data !== undefined) {
    const opaque = body.biz_opaque_callback_data
    if (typeof opaque !== 'string' || Buffer.byteLength(opaque) > 512) {
      throw new ApiError(131009, 'Param biz_opaque_callback_data must be a string of at most 512 bytes.')
    }
  }

  let category = 'service'
  if (type === 'contacts') checkContacts(requiredArray(body.contacts, 'contacts'))
  else {
    const content = requiredObject(body[type], type)
    if (type === 'text') checkText(content)
    else if ((MEDIA as readonly string[]).includes(type)) checkMedia(type, content, type, context)
    else if (type === 'template') category = context.checkTemplate(content)
    else if (type === 'interactive') checkInteractive(content, context)
    else if (type === 'reaction') checkReaction(content)
    else checkLocation(content)
  }
  return { to, type, category }
}
