import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'

/**
 * Outbound messages, in the Cloud API's shape, checked against WhatsApp's limits
 * (../shared/docs/whatsapp-contracts.md) before anything reaches a provider, so a bad message
 * gets a 422 naming the field instead of a provider error later.
 *
 * Media are given as `mediaId` (a file uploaded to us: POST /api/v1/media) or `link` (a public
 * URL the provider fetches). Replies and reactions name our message ids.
 */
const distinct = (values: unknown[]) => new Set(values).size === values.length

/** Every item's `path` (e.g. 'reply.id') differs. */
const uniqueBy = vine.createRule((value, path: string, context) => {
  const values = Array.isArray(value) ? value.map((item) => path.split('.').reduce((node: any, key) => node?.[key], item)) : []
  if (!distinct(values)) context.report(`Each ${path.split('.').pop()} must be unique`, 'unique', context)
})

const media = (options: { caption: boolean; filename?: boolean }) =>
  vine
    .object({
      mediaId: vine.number().positive().withoutDecimals().optional().requiredIfMissing('link'),
      link: vine.string().url({ require_protocol: true, protocols: ['https', 'http'] }).maxLength(2000).optional(),
      ...(options.caption ? { caption: vine.string().maxLength(1024).optional() } : {}),
      ...(options.filename ? { filename: vine.string().maxLength(240).optional() } : {}),
    })

/** WhatsApp's longest text body (characters). */
export const TEXT_BODY_MAX = 4096

const text = vine.object({
  body: vine.string().minLength(1).maxLength(TEXT_BODY_MAX),
  preview_url: vine.boolean().optional(),
})

const location = vine.object({
  latitude: vine.number().min(-90).max(90),
  longitude: vine.number().min(-180).max(180),
  name: vine.string().maxLength(1000).optional(),
  address: vine.string().maxLength(1000).optional(),
})

const contactCard = vine.object({
  name: vine.object({ formatted_name: vine.string().minLength(1).maxLength(500) }).allowUnknownProperties(),
  phones: vine.array(vine.object({ phone: vine.string().maxLength(40) }).allowUnknownProperties()).maxLength(20).optional(),
}).allowUnknownProperties()

const textPart = (max: number) => vine.object({ text: vine.string().minLength(1).maxLength(max) })

const buttons = vine.object({
  type: vine.literal('button'),
  header: vine.object({ type: vine.literal('text'), text: vine.string().minLength(1).maxLength(60) }).optional(),
  body: textPart(1024),
  footer: textPart(60).optional(),
  action: vine.object({
    buttons: vine
      .array(
        vine.object({
          type: vine.literal('reply'),
          reply: vine.object({ id: vine.string().minLength(1).maxLength(256), title: vine.string().minLength(1).maxLength(20) }),
        })
      )
      .minLength(1)
      .maxLength(3)
      .use(uniqueBy('reply.id'))
      .use(uniqueBy('reply.title')),
  }),
})

const listRows = vine.createRule((value, _options, context) => {
  const sections = Array.isArray(value) ? value : []
  const rows = sections.reduce((total, section: any) => total + (Array.isArray(section?.rows) ? section.rows.length : 0), 0)
  if (rows > 10) context.report('A list has at most 10 rows in all its sections', 'maxRows', context)
  const ids = sections.flatMap((section: any) => (Array.isArray(section?.rows) ? section.rows.map((row: any) => row?.id) : []))
  if (!distinct(ids)) context.report('Row ids must be unique across the whole list', 'unique', context)
  if (sections.length > 1 && sections.some((section: any) => !section?.title)) {
    context.report('Every section needs a title when there is more than one', 'sectionTitle', context)
  }
})

const list = vine.object({
  type: vine.literal('list'),
  header: vine.object({ type: vine.literal('text'), text: vine.string().minLength(1).maxLength(60) }).optional(),
  body: textPart(TEXT_BODY_MAX),
  footer: textPart(60).optional(),
  action: vine.object({
    button: vine.string().minLength(1).maxLength(20),
    sections: vine
      .array(
        vine.object({
          title: vine.string().minLength(1).maxLength(24).optional(),
          rows: vine
            .array(
              vine.object({
                id: vine.string().minLength(1).maxLength(200),
                title: vine.string().minLength(1).maxLength(24),
                description: vine.string().maxLength(72).optional(),
              })
            )
            .minLength(1),
        })
      )
      .minLength(1)
      .maxLength(10)
      .use(listRows()),
  }),
})

const templateParameter = vine
  .object({
    type: vine.enum(['text', 'currency', 'date_time', 'image', 'video', 'document', 'payload']),
    text: vine.string().maxLength(1024).optional(),
    payload: vine.string().maxLength(1000).optional(),
    parameter_name: vine.string().regex(/^[a-z_]{1,20}$/).optional(),
  })
  .allowUnknownProperties()

const template = vine.object({
  name: vine.string().minLength(1).maxLength(512),
  language: vine.object({ code: vine.string().minLength(2).maxLength(20), policy: vine.literal('deterministic').optional() }),
  components: vine
    .array(
      vine.object({
        type: vine.enum(['header', 'body', 'button']),
        sub_type: vine.enum(['quick_reply', 'url', 'copy_code', 'flow']).optional(),
        index: vine.any().optional(),
        parameters: vine.array(templateParameter).maxLength(20),
      })
    )
    .maxLength(12)
    .optional(),
})

const reaction = vine.object({
  messageId: vine.number().positive().withoutDecimals(),
  // An empty emoji removes the reaction.
  emoji: vine.string().maxLength(16).optional(),
})

const byType = {
  text: text,
  image: media({ caption: true }),
  video: media({ caption: true }),
  audio: media({ caption: false }),
  sticker: media({ caption: false }),
  document: media({ caption: true, filename: true }),
  location: location,
  contacts: vine.array(contactCard).minLength(1).maxLength(20),
  interactive: vine.union([
    vine.union.if((value) => vine.helpers.isObject(value) && value.type === 'list', list),
    vine.union.else(buttons),
  ]),
  template: template,
  reaction: reaction,
} as const

export type OutboundType = keyof typeof byType
export const OUTBOUND_TYPES = Object.keys(byType) as OutboundType[]

/** `{ type, <type>: {...}, replyToId? }`: the fields of one message, the group picks the type's. */
const messageFields = {
  type: vine.enum(OUTBOUND_TYPES),
  replyToId: vine.number().positive().withoutDecimals().optional(),
}
const contentOfType = vine.group(OUTBOUND_TYPES.map((type) => vine.group.if((data) => data.type === type, { [type]: byType[type] })))

/** POST /api/v1/conversations/:id/messages */
export const sendMessageValidator = vine.compile(vine.object(messageFields).merge(contentOfType))

/** POST /api/v1/messages: the first message to a number (usually a template). */
export const startConversationValidator = vine.compile(
  vine
    .object({
      channelId: vine.number().positive().withoutDecimals(),
      to: vine.string().trim().minLength(5).maxLength(32),
      ...messageFields,
    })
    .merge(contentOfType)
)

export type SendMessageInput = Infer<typeof sendMessageValidator>
