/**
 * Message templates per WABA: the seeded set, lookup, the send-time parameter check
 * (132000 / 132001 / 132012 / 132015) and rendering for the phone page.
 */
import { ApiError } from './errors.js'
import type { Random } from './random.js'
import type { Mode, TemplateDefinition } from './types.js'
import { checkMedia, isObject, requiredArray, requiredObject, requiredText, type Json, type MetaSendContext } from './validate.js'

export interface StoredTemplate extends TemplateDefinition {
  id: string
  status: string
  parameter_format: 'POSITIONAL' | 'NAMED'
}

/** What a fresh WABA has: one of each shape a provider integration must handle. */
const SAMPLES: TemplateDefinition[] = [
  {
    name: 'hello_world',
    language: 'en_US',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      {
        type: 'BODY',
        text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.',
      },
      { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
    ],
  },
  {
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://example.com/parcel.jpg'] } },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} is on its way.', example: { body_text: [['Ana', '#1042']] } },
      { type: 'FOOTER', text: 'Reply STOP to opt out' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Confirm delivery' },
          { type: 'URL', text: 'Track order', url: 'https://example.com/track/{{1}}', example: ['https://example.com/track/1042'] },
        ],
      },
    ],
  },
  {
    name: 'appointment_reminder',
    language: 'en_US',
    category: 'UTILITY',
    parameter_format: 'NAMED',
    components: [
      {
        type: 'BODY',
        text: 'Hi {{customer_name}}, this is a reminder of your appointment on {{date}}.',
        example: {
          body_text_named_params: [
            { param_name: 'customer_name', example: 'Ana' },
            { param_name: 'date', example: '12 May, 10:00' },
          ],
        },
      },
    ],
  },
  {
    name: 'spring_sale',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Spring sale' },
      { type: 'BODY', text: 'Everything is {{1}} off until Sunday, {{2}}!', example: { body_text: [['20%', 'Ana']] } },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'URL', text: 'Shop now', url: 'https://example.com/sale' },
          { type: 'QUICK_REPLY', text: 'Stop promotions' },
        ],
      },
    ],
  },
  {
    name: 'verification_code',
    language: 'en_US',
    category: 'AUTHENTICATION',
    components: [
      { type: 'BODY', text: '*{{1}}* is your verification code. For your security, do not share this code.', example: { body_text: [['123456']] } },
      {
        type: 'BUTTONS',
        buttons: [{ type: 'URL', text: 'Copy code', url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}' }],
      },
    ],
  },
]

/** Distinct {{1}} / {{name}} placeholders in order of appearance. */
export function placeholders(text: string | undefined) {
  return [...new Set([...(text ?? '').matchAll(/\{\{\s*([a-z0-9_]+)\s*\}\}/gi)].map((found) => found[1]))]
}

export class TemplateBook {
  #byWaba = new Map<string, StoredTemplate[]>()

  /** Gives the WABA these templates, or the samples if it has none yet. */
  ensure(wabaId: string, mode: Mode, random: Random, replacement?: TemplateDefinition[]) {
    if (!replacement && this.#byWaba.has(wabaId)) return
    this.#byWaba.set(
      wabaId,
      (replacement ?? SAMPLES).map((template) => ({
        ...structuredClone(template),
        id: template.id ?? (mode === 'gupshup' ? random.uuid() : random.digits(16)),
        status: (template.status ?? 'APPROVED').toUpperCase(),
        parameter_format: template.parameter_format ?? 'POSITIONAL',
      }))
    )
  }

  list(wabaId: string) {
    return this.#byWaba.get(wabaId) ?? []
  }

  clear() {
    this.#byWaba.clear()
  }
}

const componentOf = (template: StoredTemplate, type: string) => template.components.find((component) => component.type === type)

/** Refuses a template that cannot be sent (missing, paused, not approved). */
export function usableTemplate(found: StoredTemplate | undefined, described: string) {
  if (!found) throw new ApiError(132001, `template ${described} does not exist`)
  if (found.status === 'PAUSED') throw new ApiError(132015, `template ${found.name} is paused`)
  if (found.status !== 'APPROVED') throw new ApiError(132001, `template ${found.name} is ${found.status.toLowerCase()}, not approved`)
  return found
}

/** Text parameters for one header or body: count (positional) or names (named), and lengths. */
function checkTextParams(where: string, expected: string[], parameters: unknown[], named: boolean, max: number) {
  if (parameters.length !== expected.length) {
    throw new ApiError(
      132000,
      `${where}: number of localizable_params (${parameters.length}) does not match the expected number of params (${expected.length})`
    )
  }
  parameters.forEach((value, i) => {
    const param = requiredObject(value, `${where}.parameters[${i}]`)
    if (named) {
      const name = requiredText(param.parameter_name, `${where}.parameters[${i}].parameter_name`, 20)
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new ApiError(131009, `${where}: parameter_name "${name}" must be lowercase letters and _`)
      if (!expected.includes(name)) throw new ApiError(132000, `${where}: the template has no parameter named "${name}"`)
    }
    if (param.type === 'text') requiredText(param.text, `${where}.parameters[${i}].text`, max)
    else if (param.type === 'currency' || param.type === 'date_time') requiredObject(param[param.type], `${where}.parameters[${i}].${param.type}`)
    else throw new ApiError(132012, `${where}: parameter ${i} must be of type text, currency or date_time`)
  })
}

/**
 * A Cloud API `template` object against the WABA's templates: it must exist in that language,
 * be approved, and carry exactly the parameters its header, body and buttons expect.
 * Answers the template (its category prices the message).
 */
export function checkTemplateSend(payload: Json, templates: StoredTemplate[], context: Pick<MetaSendContext, 'mediaExists'>) {
  const name = requiredText(payload.name, 'template.name', 512)
  const language = requiredObject(payload.language, 'template.language')
  const code = requiredText(language.code, 'template.language.code', 15)
  const found = templates.find((template) => template.name === name && template.language === code)
  const template = usableTemplate(found, `name (${name}) in ${code}`)
  const named = template.parameter_format === 'NAMED'

  const given = (payload.components === undefined ? [] : requiredArray(payload.components, 'template.components')).map((value, i) => {
    const component = requiredObject(value, `template.components[${i}]`)
    const type = String(component.type ?? '').toLowerCase()
    if (!['header', 'body', 'button'].includes(type)) {
      throw new ApiError(131009, `Param template.components[${i}].type must be one of {header, body, button}`)
    }
    const parameters = requiredArray(component.parameters ?? [], `template.components[${i}].parameters`)
    return { index: component.index, sub_type: component.sub_type, type, parameters }
  })
  const parametersOf = (type: 'header' | 'body') => {
    const matching = given.filter((component) => component.type === type)
    if (matching.length > 1) throw new ApiError(131009, `template: more than one ${type} component`)
    return matching[0]?.parameters ?? []
  }

  const header = componentOf(template, 'HEADER')
  const headerParams = parametersOf('header')
  if (header && header.format && header.format !== 'TEXT') {
    const type = header.format.toLowerCase()
    if (headerParams.length !== 1) {
      throw new ApiError(132000, `header: number of params (${headerParams.length}) does not match the expected number of params (1)`)
    }
    const param = requiredObject(headerParams[0], 'header.parameters[0]')
    if (param.type !== type) throw new ApiError(132012, `header: parameter type ${String(param.type)} does not match the template's ${type}`)
    if (type !== 'location') checkMedia(type, requiredObject(param[type], `header.parameters[0].${type}`), `header.parameters[0].${type}`, context)
  } else {
    checkTextParams('header', placeholders(header?.text), headerParams, named, 60)
  }
  checkTextParams('body', placeholders(componentOf(template, 'BODY')?.text), parametersOf('body'), named, 1024)

  const buttons = componentOf(template, 'BUTTONS')?.buttons ?? []
  const givenButtons = given.filter((component) => component.type === 'button')
  for (const component of givenButtons) {
    const button = buttons[Number(component.index)]
    if (!button) throw new ApiError(131009, `button index ${String(component.index)} is not in the template`)
    if (String(component.sub_type ?? '').toLowerCase() !== button.type.toLowerCase()) {
      throw new ApiError(132012, `button ${String(component.index)}: sub_type ${String(component.sub_type)} does not match the template's ${button.type}`)
    }
  }
  buttons.forEach((button, index) => {
    const parameters = givenButtons.find((component) => Number(component.index) === index)?.parameters ?? []
    const where = `button ${index}`
    if (button.type === 'QUICK_REPLY') {
      // The payload is optional: without it the customer's tap carries none.
      if (parameters.length > 1) throw new ApiError(132000, `${where}: a quick reply takes at most one payload`)
      parameters.forEach((value) => requiredText(requiredObject(value, where).payload, `${where}.payload`, 1000))
      return
    }
    const expected = button.type === 'URL' ? placeholders(button.url).length : button.type === 'COPY_CODE' ? 1 : 0
    if (parameters.length !== expected) {
      throw new ApiError(132000, `${where}: number of params (${parameters.length}) does not match the expected number of params (${expected})`)
    }
    parameters.forEach((value) => {
      const param = requiredObject(value, where)
      if (button.type === 'COPY_CODE') requiredText(param.coupon_code, `${where}.coupon_code`, 15)
      else requiredText(param.text, `${where}.text`, 2000)
    })
  })
  return template
}

/* --------------------------------------------------------------- rendering */

export interface RenderedTemplate {
  header?: { text?: string; media?: { type: string; id?: string; link?: string } }
  body: string
  footer?: string
  buttons: { type: string; text: string; payload?: string }[]
}

const paramText = (param: Json) =>
  param.type === 'text'
    ? String(param.text)
    : String((isObject(param[String(param.type)]) && (param[String(param.type)] as Json).fallback_value) || '')

/** The template as the customer sees it, parameters filled in (the phone page). */
export function renderTemplate(template: StoredTemplate, payload: Json): RenderedTemplate {
  const given = Array.isArray(payload.components) ? (payload.components as Json[]) : []
  const params = (type: string) => (given.find((component) => String(component.type).toLowerCase() === type)?.parameters ?? []) as Json[]
  const fill = (text: string | undefined, values: Json[]) =>
    (text ?? '').replace(/\{\{\s*([a-z0-9_]+)\s*\}\}/gi, (whole, key: string) => {
      const param = /^\d+$/.test(key) ? values[Number(key) - 1] : values.find((value) => value.parameter_name === key)
      return param ? paramText(param) : whole
    })
  const header = componentOf(template, 'HEADER')
  const headerParam = params('header')[0]
  const mediaType = header?.format?.toLowerCase()
  const buttonPayload = (index: number) =>
    (given.find((component) => String(component.type) === 'button' && Number(component.index) === index)?.parameters as Json[] | undefined)?.[0]
      ?.payload
  return {
    header: !header
      ? undefined
      : header.format && header.format !== 'TEXT'
        ? { media: { type: mediaType!, ...(isObject(headerParam?.[mediaType!]) ? (headerParam[mediaType!] as { id?: string; link?: string }) : {}) } }
        : { text: fill(header.text, params('header')) },
    body: fill(componentOf(template, 'BODY')?.text, params('body')),
    footer: componentOf(template, 'FOOTER')?.text,
    buttons: (componentOf(template, 'BUTTONS')?.buttons ?? []).map((button, index) => ({
      type: button.type,
      text: button.text,
      payload: typeof buttonPayload(index) === 'string' ? (buttonPayload(index) as string) : undefined,
    })),
  }
}
