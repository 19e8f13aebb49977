import type Conversation from '#messaging/models/conversation'
import MessageTemplate from '#messaging/models/message_template'
import { Refusal } from '#messaging/services/refusal'

export interface TemplateParameters {
  /** A text header's parameter, or the link of a media header's file. */
  header?: string | null
  /** The body's parameters, in the order of its placeholders. */
  body?: (string | null)[]
}

/** The conversation's channel's approved template `id`, or a 422 on the picker. */
export async function channelTemplate(conversation: Conversation, id: number) {
  const template = await MessageTemplate.ofChannel({ workspaceId: conversation.workspaceId, id: conversation.channelId }).where('id', id).first()
  if (!template || template.status.toUpperCase() !== 'APPROVED') throw new Refusal('Choose one of this channel’s approved templates', 'templateId')
  return template
}

/** The template with `parameters` in place, as the customer will read it (placeholders where one is missing). */
export function templatePreview(template: MessageTemplate, { header, body = [] }: TemplateParameters) {
  return template.preview({ header: header ? [header] : [], body: body.map((value) => value || undefined) as string[] })
}

/**
 * The Cloud API's `components` for the template with the composer's parameters: one text per
 * placeholder (named ones by name), or the media header's link. A missing one is a 422 on its field.
 */
export function templateComponents(template: MessageTemplate, { header, body = [] }: TemplateParameters) {
  const missing = (field: string) => new Refusal('Fill in this parameter', field)
  const text = (value: string, key: string) => ({ type: 'text', text: value, ...(/^\d+$/.test(key) ? {} : { parameter_name: key }) })
  const components: Record<string, unknown>[] = []

  const media = template.headerMedia()
  const headerKeys = media ? [] : template.placeholders('HEADER')
  if (media || headerKeys.length) {
    if (!header) throw missing('header')
    components.push({ type: 'header', parameters: [media ? { type: media, [media]: { link: header } } : text(header, headerKeys[0])] })
  }
  const bodyKeys = template.placeholders('BODY')
  bodyKeys.forEach((_, index) => {
    if (!body[index]) throw missing(`body.${index}`)
  })
  if (bodyKeys.length) components.push({ type: 'body', parameters: bodyKeys.map((key, index) => text(body[index]!, key)) })
  return components
}
