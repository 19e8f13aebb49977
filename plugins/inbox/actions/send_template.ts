import type Conversation from '#messaging/models/conversation'
import { sendMessage } from '#messaging/actions/send_message'
import { sendMessageValidator } from '#messaging/validators/message'
import { channelTemplate, templateComponents, type TemplateParameters } from '#inbox/services/templates'

export interface SendTemplateOptions extends TemplateParameters {
  conversation: Conversation
  /** One of the channel's synced templates (our row's id). */
  templateId: number
  actorId: number
}

/**
 * An agent sends one of the channel's approved templates (what WhatsApp allows once the
 * 24-hour window is closed): every parameter filled (else a 422 on its field), then through
 * messaging's send action in the API's shape, checked by the API's own validator.
 */
export async function sendTemplate({ conversation, templateId, actorId, ...parameters }: SendTemplateOptions) {
  const template = await channelTemplate(conversation, templateId)
  const components = templateComponents(template, parameters)
  const input = await sendMessageValidator.validate({
    type: 'template',
    template: { name: template.name, language: { code: template.language }, ...(components.length ? { components } : {}) },
  })
  return sendMessage({ conversation, input, author: { type: 'agent', id: actorId } })
}
