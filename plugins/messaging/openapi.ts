/**
 * Messaging's part of the OpenAPI document (GET /api/v1/openapi.json): every `rootApi` route of
 * routes.ts. Request schemas mirror validators/*.ts (limits are WhatsApp's, see
 * ../shared/docs/whatsapp-contracts.md); response schemas mirror presenters.ts. Enums come from
 * the code, so a new provider, message type or status shows up here by itself. Prose: docs/api.md.
 */
import { answer, dataOf, errorResponses, json, pageOf, pageParameters, ref, type ApiDocsFragment, type Example } from '#core/api_docs'
import { PROVIDERS, type Provider } from '#messaging/models/channel'
import { MESSAGE_TYPES, STATUS_ORDER } from '#messaging/models/message'
import { OUTBOUND_TYPES, type OutboundType } from '#messaging/validators/message'

type Json = Record<string, any>

/* ------------------------------------------------------------------ helpers */

const nullable = (type: string, extra: Json = {}) => ({ type: [type, 'null'], ...extra })
const dateTime = { type: 'string', format: 'date-time' }
const nullableDateTime = nullable('string', { format: 'date-time' })
const id = { type: 'integer', minimum: 1 }
const text = (min: number, max: number, extra: Json = {}) => ({ type: 'string', minLength: min, maxLength: max, ...extra })
/** Secrets and ids as pasted from a provider's console: no spaces inside. */
const token = (max: number, description?: string) => text(1, max, { pattern: /^\S+$/.source, ...(description ? { description } : {}) })
const object = (properties: Json, required: string[] = [], extra: Json = {}) => ({
  type: 'object',
  ...(required.length ? { required } : {}),
  properties,
  ...extra,
})
const textPart = (max: number) => object({ text: text(1, max) }, ['text'])
const textHeader = object({ type: { const: 'text' }, text: text(1, 60) }, ['type', 'text'])

const idParameter = (what: string) => ({ name: 'id', in: 'path', required: true, description: `The ${what}’s id`, schema: id })

const body = (schema: Json, examples: Record<string, Example>, required = true) => ({
  required,
  content: json(schema, examples),
})

/* ----------------------------------------------------------------- examples */

const at = '2025-03-14T09:21:07.512+00:00'

const channelExample = {
  id: 7,
  provider: 'whatsapp-cloud',
  name: 'Sales',
  phoneNumber: '+79001234567',
  providerIds: { phoneNumberId: '106540352242922', wabaId: '102290129340398' },
  apiBaseUrl: null,
  throughputPerSecond: 80,
  webhookUrl: 'https://switchboard.example.com/webhooks/whatsapp/7',
  health: { lastWebhookAt: at, lastError: null, lastErrorAt: null },
  createdAt: '2025-03-01T12:00:00.000+00:00',
}

const contactExample = {
  id: 42,
  phone: '+79001112233',
  waId: '79001112233',
  name: 'Анна Петрова',
  profileName: 'Anna',
  locale: 'ru',
  optIn: { status: 'unknown', source: null, at: null },
  blocked: false,
  attributes: { tier: 'gold' },
  firstSeenAt: '2025-03-10T08:00:00.000+00:00',
  lastSeenAt: at,
  createdAt: '2025-03-10T08:00:00.000+00:00',
}

const conversationFields = {
  id: 105,
  contactId: 42,
  channelId: 7,
  status: 'open',
  assigneeId: null,
  snoozedUntil: null,
  unreadCount: 2,
  lastActivityAt: at,
  windowExpiresAt: '2025-03-15T09:21:07.000+00:00',
  createdAt: '2025-03-10T08:00:00.000+00:00',
}
const conversationExample = { ...conversationFields, contact: contactExample }

const inboundExample = {
  id: 9000,
  conversationId: 105,
  channelId: 7,
  direction: 'inbound',
  type: 'text',
  status: 'received',
  providerMessageId: 'wamid.HBgLNzkwMDExMTIyMzMVAgASGBQzQUY',
  content: { body: 'Hello! Is my order on its way?' },
  replyToId: null,
  author: { type: 'contact', id: null },
  errorCode: null,
  errorReason: null,
  createdAt: at,
  sentAt: null,
  deliveredAt: null,
  readAt: null,
  failedAt: null,
}

const queuedExample = {
  ...inboundExample,
  id: 9001,
  direction: 'outbound',
  status: 'queued',
  providerMessageId: null,
  content: { body: 'Yes, it arrives tomorrow.' },
  replyToId: 9000,
  author: { type: 'agent', id: '3' },
  createdAt: '2025-03-14T09:22:00.000+00:00',
}

const readExample = { ...queuedExample, status: 'read', providerMessageId: 'wamid.HBgLNzkwMDExMTIyMzMVAgARGBI5QTNE', sentAt: at, deliveredAt: at, readAt: at }

const templateExample = {
  id: 3,
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY',
  status: 'APPROVED',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
    { type: 'BODY', text: 'Hi {{1}}, your order {{2}} is on its way.' },
  ],
  preview: { header: 'Order {{1}}', body: 'Hi {{1}}, your order {{2}} is on its way.', footer: null, buttons: [] },
  syncedAt: at,
}

const mediaExample = {
  id: 31,
  messageId: null,
  filename: 'receipt.pdf',
  mime: 'application/pdf',
  size: 48213,
  sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  createdAt: at,
}

const templateSend = {
  name: 'order_update',
  language: { code: 'en_US' },
  components: [
    { type: 'header', parameters: [{ type: 'text', text: 'A-1042' }] },
    {
      type: 'body',
      parameters: [
        { type: 'text', text: 'Anna' },
        { type: 'text', text: 'A-1042' },
      ],
    },
  ],
}

/** One request example per kind of message. */
const messageExamples: Record<string, Example> = {
  text: { summary: 'Text (a reply, inside the 24-hour window)', value: { type: 'text', text: { body: 'Yes, it arrives tomorrow.' }, replyToId: 9000 } },
  image: { summary: 'An uploaded image (POST /media)', value: { type: 'image', image: { mediaId: 31, caption: 'Your receipt' } } },
  document: { summary: 'A document by link', value: { type: 'document', document: { link: 'https://example.com/invoice.pdf', filename: 'invoice.pdf' } } },
  template: { summary: 'A template (allowed outside the window)', value: { type: 'template', template: templateSend } },
  buttons: {
    summary: 'Reply buttons',
    value: {
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Confirm your order?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
            { type: 'reply', reply: { id: 'no', title: 'No' } },
          ],
        },
      },
    },
  },
  list: {
    summary: 'A list',
    value: {
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'What can we help with?' },
        action: { button: 'Topics', sections: [{ title: 'Orders', rows: [{ id: 'track', title: 'Track an order' }, { id: 'return', title: 'Return', description: 'Within 30 days' }] }] },
      },
    },
  },
  location: { summary: 'A location', value: { type: 'location', location: { latitude: 55.7539, longitude: 37.6208, name: 'Shop', address: 'Red Square 1, Moscow' } } },
  contacts: { summary: 'A contact card', value: { type: 'contacts', contacts: [{ name: { formatted_name: 'Support' }, phones: [{ phone: '+79001234567' }] }] } },
  reaction: { summary: 'A reaction to one of the conversation’s messages', value: { type: 'reaction', reaction: { messageId: 9000, emoji: '👍' } } },
}

/* ---------------------------------------------------------------- channels */

/** Each provider's own fields (validators/channel.ts); `required` only when connecting. */
const PROVIDER_FIELDS: Record<Provider, { schema: string; title: string; required: string[]; properties: Json; extra?: Json }> = {
  'whatsapp-cloud': {
    schema: 'CloudChannelFields',
    title: 'Meta WhatsApp Cloud API',
    required: ['phoneNumberId', 'wabaId', 'accessToken', 'appSecret'],
    properties: {
      phoneNumberId: token(64),
      wabaId: token(64),
      accessToken: token(2000, 'Secret: stored encrypted, never shown'),
      appSecret: token(200, 'Secret: checks X-Hub-Signature-256 of webhooks'),
      verifyToken: token(200, 'Meta’s webhook handshake token; generated (and answered once) when not given'),
    },
  },
  'whatsapp-360dialog': {
    schema: 'Dialog360ChannelFields',
    title: '360dialog',
    required: ['apiKey'],
    properties: {
      apiKey: token(500, 'Secret: the D360-API-KEY'),
      webhookSecret: token(200, 'Secret: checks x-360dialog-signature of webhooks'),
      webhookHeaderName: { type: 'string', pattern: /^[A-Za-z0-9-]{1,100}$/.source, description: 'A static header webhooks must carry (with webhookHeaderValue)' },
      webhookHeaderValue: token(500, 'Secret: the static header’s value (with webhookHeaderName)'),
    },
    extra: { dependentRequired: { webhookHeaderName: ['webhookHeaderValue'], webhookHeaderValue: ['webhookHeaderName'] } },
  },
  'whatsapp-gupshup': {
    schema: 'GupshupChannelFields',
    title: 'Gupshup',
    required: ['appName', 'apiKey', 'source'],
    properties: {
      appName: text(1, 100),
      apiKey: token(500, 'Secret: the apikey header'),
      source: { type: 'string', pattern: /^\+?\d{6,15}$/.source, description: 'The sending number' },
      appId: token(100),
    },
  },
}

/** `NewCloudChannel`…: the POST body of one provider. */
const newChannelSchema = (provider: Provider) => `New${PROVIDER_FIELDS[provider].schema.replace('Fields', '')}`

const channelSchemas = {
  Channel: object(
    {
      id,
      provider: { enum: [...PROVIDERS] },
      name: { type: 'string' },
      phoneNumber: { type: 'string', description: 'E.164' },
      providerIds: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'The provider’s ids in the clear (whatsapp-cloud: phoneNumberId, wabaId; whatsapp-gupshup: appName, source, appId); secrets never appear',
      },
      apiBaseUrl: nullable('string', { format: 'uri', description: 'Another API host than the provider’s (a proxy, the simulator)' }),
      throughputPerSecond: { type: 'integer', minimum: 1, maximum: 1000 },
      webhookUrl: { type: 'string', format: 'uri', description: 'Give it to the provider’s console (Gupshup’s carries its secret ?token=)' },
      health: object({ lastWebhookAt: nullableDateTime, lastError: nullable('string'), lastErrorAt: nullableDateTime }, ['lastWebhookAt', 'lastError', 'lastErrorAt']),
      createdAt: dateTime,
    },
    ['id', 'provider', 'name', 'phoneNumber', 'providerIds', 'apiBaseUrl', 'throughputPerSecond', 'webhookUrl', 'health', 'createdAt'],
    { description: 'A WhatsApp number connected through a provider. Credentials are stored encrypted and never serialized.' }
  ),
  ChannelFields: object({
    provider: { enum: [...PROVIDERS] },
    name: text(1, 120),
    phoneNumber: { type: 'string', pattern: /^\+?[\d\s().-]{6,24}$/.source, description: 'International format; stored as E.164 (422 when it is not a valid number)' },
    apiBaseUrl: nullable('string', { format: 'uri', maxLength: 300, description: 'http(s) URL of another API host; null clears it' }),
    throughputPerSecond: { type: 'integer', minimum: 1, maximum: 1000, description: 'Messages per second sent on this number; defaults to the provider’s (80)' },
  }),
  ...Object.fromEntries(Object.values(PROVIDER_FIELDS).map(({ schema, title, properties, extra }) => [schema, object(properties, [], { title, ...extra })])),
  ...Object.fromEntries(
    PROVIDERS.map((provider) => [
      newChannelSchema(provider),
      {
        title: PROVIDER_FIELDS[provider].title,
        allOf: [
          ref('ChannelFields'),
          ref(PROVIDER_FIELDS[provider].schema),
          object({ provider: { const: provider } }, ['provider', 'name', 'phoneNumber', ...PROVIDER_FIELDS[provider].required]),
        ],
      },
    ])
  ),
  NewChannel: {
    oneOf: PROVIDERS.map((provider) => ref(newChannelSchema(provider))),
    discriminator: { propertyName: 'provider', mapping: Object.fromEntries(PROVIDERS.map((provider) => [provider, ref(newChannelSchema(provider)).$ref])) },
  },
  ChannelChanges: {
    description:
      'Only what is sent changes. The provider cannot change (connect a new channel instead): `provider` is ignored, and only the fields of the channel’s own provider are read.',
    allOf: [ref('ChannelFields'), { anyOf: Object.values(PROVIDER_FIELDS).map(({ schema }) => ref(schema)) }],
  },
  Template: object(
    {
      id,
      name: { type: 'string' },
      language: { type: 'string', description: 'e.g. en_US' },
      category: nullable('string', { description: 'MARKETING, UTILITY or AUTHENTICATION' }),
      status: { type: 'string', description: 'As the provider reports it: APPROVED, PENDING, REJECTED, PAUSED…' },
      components: { type: 'array', items: { type: 'object' }, description: 'The Cloud API’s components (HEADER, BODY, FOOTER, BUTTONS)' },
      preview: object(
        {
          header: nullable('string', { description: 'Text with its placeholders ({{1}}, {{name}}), `[image]` and the like for a media header, or null' }),
          body: { type: 'string' },
          footer: nullable('string'),
          buttons: { type: 'array', items: { type: 'string' }, description: 'The buttons’ labels' },
        },
        ['header', 'body', 'footer', 'buttons'],
        { description: 'The template as the customer reads it, placeholders left in' }
      ),
      syncedAt: dateTime,
    },
    ['id', 'name', 'language', 'category', 'status', 'components', 'preview', 'syncedAt'],
    { description: 'A template as last synced from the provider for one channel' }
  ),
}

/* ---------------------------------------------------------------- contacts */

const localeField = { pattern: /^[a-z]{2}([_-][A-Za-z]{2})?$/.source, description: 'e.g. ru, en_US' }
const attributesField = { type: 'object', description: 'Custom attributes (any JSON values)' }

const contactSchemas = {
  Contact: object(
    {
      id,
      phone: { type: 'string', description: 'E.164, unique in the workspace' },
      waId: nullable('string', { description: 'WhatsApp’s id of the number' }),
      name: nullable('string'),
      profileName: nullable('string', { description: 'The name the customer set in WhatsApp' }),
      locale: nullable('string'),
      optIn: object(
        { status: { enum: ['unknown', 'opted_in', 'opted_out'] }, source: nullable('string'), at: nullableDateTime },
        ['status', 'source', 'at']
      ),
      blocked: { type: 'boolean' },
      attributes: attributesField,
      firstSeenAt: nullableDateTime,
      lastSeenAt: nullableDateTime,
      createdAt: dateTime,
    },
    ['id', 'phone', 'waId', 'name', 'profileName', 'locale', 'optIn', 'blocked', 'attributes', 'firstSeenAt', 'lastSeenAt', 'createdAt']
  ),
  NewContact: object(
    {
      phone: { type: 'string', pattern: /^\+?[\d\s().-]{5,24}$/.source, description: 'International format; stored as E.164. 422 when taken or not a valid number' },
      name: text(1, 200),
      locale: { type: 'string', ...localeField },
      attributes: attributesField,
    },
    ['phone']
  ),
  ContactChanges: object(
    {
      name: nullable('string', { minLength: 1, maxLength: 200, description: 'null clears it' }),
      locale: nullable('string', { ...localeField, description: 'null clears it' }),
      blocked: { type: 'boolean', description: 'A blocked contact cannot be sent messages' },
      attributes: { ...attributesField, description: 'Merged into the current attributes, key by key' },
    },
    [],
    { description: 'Only what is sent changes; the phone cannot' }
  ),
}

/* -------------------------------------------------------- conversations */

const conversationSchemas = {
  Conversation: object(
    {
      id,
      contactId: id,
      channelId: id,
      status: { enum: ['open', 'pending', 'snoozed', 'resolved'] },
      assigneeId: nullable('integer', { description: 'The assigned user, null when unassigned' }),
      snoozedUntil: nullableDateTime,
      unreadCount: { type: 'integer', minimum: 0 },
      lastActivityAt: dateTime,
      windowExpiresAt: nullable('string', {
        format: 'date-time',
        description: 'End of the 24-hour customer-service window (24 h after the customer’s last message): after it only templates may be sent',
      }),
      contact: { ...ref('Contact'), description: 'In lists and GET /conversations/{id}; absent from the answer to POST …/read' },
      createdAt: dateTime,
    },
    ['id', 'contactId', 'channelId', 'status', 'assigneeId', 'snoozedUntil', 'unreadCount', 'lastActivityAt', 'windowExpiresAt', 'createdAt'],
    { description: 'A contact × channel thread' }
  ),
}

/* ---------------------------------------------------------------- messages */

const mediaContent = {
  MediaContent: {
    ...object({
      mediaId: { ...id, description: 'A file uploaded with POST /media' },
      link: { type: 'string', format: 'uri', maxLength: 2000, description: 'A public http(s) URL the provider fetches' },
    }),
    description: '`mediaId` or `link`',
    anyOf: [{ required: ['mediaId'] }, { required: ['link'] }],
  },
  CaptionedMediaContent: { allOf: [ref('MediaContent'), object({ caption: text(0, 1024) })] },
  DocumentContent: { allOf: [ref('CaptionedMediaContent'), object({ filename: text(0, 240) })] },
}

/** What each outbound type carries (validators/message.ts `byType`). */
const CONTENT: Record<OutboundType, { schema: Json; description: string }> = {
  text: { schema: ref('TextContent'), description: 'Free-form text' },
  image: { schema: ref('CaptionedMediaContent'), description: 'An image (JPEG, PNG; 5 MB)' },
  video: { schema: ref('CaptionedMediaContent'), description: 'A video (MP4, 3GP; 16 MB)' },
  audio: { schema: ref('MediaContent'), description: 'Audio (16 MB; no caption)' },
  sticker: { schema: ref('MediaContent'), description: 'A WebP sticker (100 KB static, 500 KB animated; no caption)' },
  document: { schema: ref('DocumentContent'), description: 'A document' },
  location: { schema: ref('LocationContent'), description: 'A location pin' },
  contacts: { schema: { type: 'array', minItems: 1, maxItems: 20, items: ref('ContactCard') }, description: 'Contact cards' },
  interactive: { schema: ref('InteractiveContent'), description: 'Reply buttons or a list' },
  template: { schema: ref('TemplateContent'), description: 'An approved template: the only type allowed outside the 24-hour window' },
  reaction: { schema: ref('ReactionContent'), description: 'An emoji on one of the conversation’s messages' },
}

const outboundSchema = (type: OutboundType) => `Outbound${type[0].toUpperCase()}${type.slice(1)}`

const messageSchemas = {
  Message: object(
    {
      id,
      conversationId: id,
      channelId: id,
      direction: { enum: ['inbound', 'outbound'] },
      type: { enum: [...MESSAGE_TYPES] },
      status: {
        enum: Object.keys(STATUS_ORDER),
        description: 'Inbound: received. Outbound only moves forward: queued → sent → delivered → read, or failed',
      },
      providerMessageId: nullable('string', { description: 'WhatsApp’s id (wamid…); null until sent' }),
      content: {
        type: ['object', 'array'],
        description: 'The Cloud API shape of `type` (an array for contacts), as received, or as sent after `message.beforeSend` filters; outbound media keep our `mediaId`',
      },
      replyToId: nullable('integer', { description: 'Our id of the message this one replies to' }),
      author: object(
        { type: { enum: ['agent', 'bot', 'contact', 'campaign', 'plugin'] }, id: nullable('string', { description: 'e.g. the user id of an agent' }) },
        ['type', 'id']
      ),
      errorCode: nullable('string', { description: 'The provider’s error code of a failed message (131047…)' }),
      errorReason: nullable('string'),
      createdAt: dateTime,
      sentAt: nullableDateTime,
      deliveredAt: nullableDateTime,
      readAt: nullableDateTime,
      failedAt: nullableDateTime,
    },
    ['id', 'conversationId', 'channelId', 'direction', 'type', 'status', 'providerMessageId', 'content', 'replyToId', 'author', 'errorCode', 'errorReason', 'createdAt', 'sentAt', 'deliveredAt', 'readAt', 'failedAt']
  ),
  TextContent: object({ body: text(1, 4096), preview_url: { type: 'boolean' } }, ['body']),
  ...mediaContent,
  LocationContent: object(
    {
      latitude: { type: 'number', minimum: -90, maximum: 90 },
      longitude: { type: 'number', minimum: -180, maximum: 180 },
      name: text(0, 1000),
      address: text(0, 1000),
    },
    ['latitude', 'longitude']
  ),
  ContactCard: object(
    {
      name: object({ formatted_name: text(1, 500) }, ['formatted_name']),
      phones: { type: 'array', maxItems: 20, items: object({ phone: text(0, 40) }) },
    },
    ['name'],
    { description: 'The Cloud API’s contact card; other fields of it pass through' }
  ),
  InteractiveContent: {
    oneOf: [ref('ReplyButtons'), ref('ListMessage')],
    discriminator: { propertyName: 'type', mapping: { button: ref('ReplyButtons').$ref, list: ref('ListMessage').$ref } },
  },
  ReplyButtons: object(
    {
      type: { const: 'button' },
      header: textHeader,
      body: textPart(1024),
      footer: textPart(60),
      action: object(
        {
          buttons: {
            type: 'array',
            minItems: 1,
            maxItems: 3,
            description: 'Ids and titles unique',
            items: object({ type: { const: 'reply' }, reply: object({ id: text(1, 256), title: text(1, 20) }, ['id', 'title']) }, ['type', 'reply']),
          },
        },
        ['buttons']
      ),
    },
    ['type', 'body', 'action']
  ),
  ListMessage: object(
    {
      type: { const: 'list' },
      header: textHeader,
      body: textPart(4096),
      footer: textPart(60),
      action: object(
        {
          button: text(1, 20),
          sections: {
            type: 'array',
            minItems: 1,
            maxItems: 10,
            description: 'At most 10 rows in all sections; every section needs a title when there is more than one',
            items: object(
              {
                title: text(1, 24),
                rows: {
                  type: 'array',
                  minItems: 1,
                  maxItems: 10,
                  description: 'Row ids unique within a section',
                  items: object({ id: text(1, 200), title: text(1, 24), description: text(0, 72) }, ['id', 'title']),
                },
              },
              ['rows']
            ),
          },
        },
        ['button', 'sections']
      ),
    },
    ['type', 'body', 'action']
  ),
  TemplateContent: object(
    {
      name: text(1, 512),
      language: object({ code: text(2, 20), policy: { const: 'deterministic' } }, ['code']),
      components: {
        type: 'array',
        maxItems: 12,
        items: object(
          {
            type: { enum: ['header', 'body', 'button'] },
            sub_type: { enum: ['quick_reply', 'url', 'copy_code', 'flow'] },
            index: { description: 'The button’s position (buttons only)' },
            parameters: { type: 'array', maxItems: 20, items: ref('TemplateParameter') },
          },
          ['type', 'parameters']
        ),
      },
    },
    ['name', 'language'],
    {
      description:
        'A template synced on the channel (GET /channels/{id}/templates) and APPROVED there; the header and body get exactly as many parameters as they have placeholders (else 422 on `template.components`)',
    }
  ),
  TemplateParameter: object(
    {
      type: { enum: ['text', 'currency', 'date_time', 'image', 'video', 'document', 'payload'] },
      text: text(0, 1024),
      payload: text(0, 1000),
      parameter_name: { type: 'string', pattern: /^[a-z_]{1,20}$/.source, description: 'For named placeholders' },
    },
    ['type'],
    { description: 'The Cloud API’s parameter; media parameters carry their object (`"image": { "link": … }`)' }
  ),
  ReactionContent: object(
    {
      messageId: { ...id, description: 'Our id of a message of this conversation that has reached WhatsApp' },
      emoji: text(0, 16, { description: 'Empty removes the reaction' }),
    },
    ['messageId']
  ),
  ...Object.fromEntries(
    OUTBOUND_TYPES.map((type) => [
      outboundSchema(type),
      object(
        {
          type: { const: type },
          [type]: CONTENT[type].schema,
          replyToId: { ...id, description: 'Our id of a message of this conversation to quote' },
        },
        ['type', type],
        { title: type, description: CONTENT[type].description }
      ),
    ])
  ),
  OutboundMessage: {
    description: '`{ type, <type>: {...}, replyToId? }`: the Cloud API’s message shape, checked against WhatsApp’s limits before anything reaches a provider',
    oneOf: OUTBOUND_TYPES.map((type) => ref(outboundSchema(type))),
    discriminator: { propertyName: 'type', mapping: Object.fromEntries(OUTBOUND_TYPES.map((type) => [type, ref(outboundSchema(type)).$ref])) },
  },
  NewMessage: {
    allOf: [
      object({ channelId: { ...id, description: 'One of the workspace’s channels (else 422 on channelId)' }, to: text(5, 32, { description: 'The customer’s number, international format' }) }, ['channelId', 'to']),
      ref('OutboundMessage'),
    ],
  },
  Media: object(
    {
      id,
      messageId: nullable('integer', { description: 'The inbound message it came with; null for an upload' }),
      filename: { type: 'string' },
      mime: { type: 'string' },
      size: { type: 'integer', description: 'Bytes' },
      sha256: { type: 'string' },
      createdAt: dateTime,
    },
    ['id', 'messageId', 'filename', 'mime', 'size', 'sha256', 'createdAt']
  ),
}

/* ------------------------------------------------------------------- paths */

const WINDOW_REFUSAL = 'outside the 24-hour customer-service window: send an approved template'

const QUEUED =
  '202 Accepted: the message is stored `queued` and handed to the channel’s send queue (paced to its throughput). Follow its `status` in ' +
  'GET /conversations/{id}/messages: sent → delivered → read, or failed with `errorCode` and `errorReason`. ' +
  'Refused with 422 before anything is stored: a free-form message outside the 24-hour window, a blocked contact, a template, media or message ' +
  'that does not exist, or a `message.beforeSend` filter that cancelled it (its reason). A filter may also change the content: the answer shows it as it will be sent.'

/** A 422 example: a validation error names its field and rule, a refusal (services/refusal.ts) its field when one is at fault. */
const invalid = (field: string, rule: string, message: string): Example => ({ value: { errors: [{ message, rule, field }] } })
const refused = (message: string, field?: string): Example => ({ value: { errors: [{ message, ...(field ? { field } : {}) }] } })
const unprocessable = (description: string, examples: Record<string, Example>) => ({ description, content: json(ref('Errors'), examples) })

/** 422 of a send: WhatsApp's limits, or a refusal. */
const sendRefused = (extra: Record<string, Example>) =>
  unprocessable('Invalid message, or refused (nothing is stored)', {
    limit: invalid('interactive.action.buttons.0.reply.title', 'maxLength', 'The title field must not be greater than 20 characters'),
    window: refused(WINDOW_REFUSAL),
    template: refused('template.components: the body takes 2 parameter(s), 1 given', 'template.components'),
    ...extra,
  })

const paths = {
  '/channels': {
    get: {
      operationId: 'channels.index',
      tags: ['Channels'],
      summary: 'The workspace’s channels',
      'x-ability': 'messaging.view',
      responses: { 200: answer('Every channel, oldest first (not paginated)', dataOf({ type: 'array', items: ref('Channel') }), { data: [channelExample] }), ...errorResponses(404) },
    },
    post: {
      operationId: 'channels.store',
      tags: ['Channels'],
      summary: 'Connect a WhatsApp number',
      description: 'Each provider has its own required fields (`provider` selects them). Secrets are stored encrypted and never echoed.',
      'x-ability': 'messaging.channels.manage',
      requestBody: body(ref('NewChannel'), {
        cloud: {
          summary: 'whatsapp-cloud',
          value: { provider: 'whatsapp-cloud', name: 'Sales', phoneNumber: '+7 900 123-45-67', phoneNumberId: '106540352242922', wabaId: '102290129340398', accessToken: 'EAAG…', appSecret: 'app-secret-value' },
        },
        dialog360: { summary: 'whatsapp-360dialog', value: { provider: 'whatsapp-360dialog', name: 'Support', phoneNumber: '+15550003601', apiKey: 'd360-key', webhookSecret: 'd360-secret' } },
        gupshup: {
          summary: 'whatsapp-gupshup',
          value: { provider: 'whatsapp-gupshup', name: 'Shop', phoneNumber: '+919876543210', appName: 'shopapp', apiKey: 'gs-key', source: '919876543210' },
        },
      }),
      responses: {
        201: answer(
          'Connected',
          dataOf({
            allOf: [
              ref('Channel'),
              object({ verifyToken: { type: 'string', description: 'whatsapp-cloud, when the server generated it: paste it into Meta’s console. Shown this once.' } }),
            ],
          }),
          { data: { ...channelExample, health: { lastWebhookAt: null, lastError: null, lastErrorAt: null }, verifyToken: 'q3Vh0vX9_generated_once_2kLr8' } }
        ),
        422: unprocessable('Invalid input: each provider’s missing fields are named', {
          missing: invalid('apiKey', 'required', 'The apiKey field must be defined'),
          phone: refused('phoneNumber: not a valid phone number (use the international format, +<country code>…)', 'phoneNumber'),
        }),
        ...errorResponses(404),
      },
    },
  },
  '/channels/{id}': {
    parameters: [idParameter('channel')],
    get: {
      operationId: 'channels.show',
      tags: ['Channels'],
      summary: 'One channel',
      'x-ability': 'messaging.view',
      responses: { 200: answer('The channel', dataOf(ref('Channel')), { data: channelExample }), ...errorResponses(404) },
    },
    patch: {
      operationId: 'channels.update',
      tags: ['Channels'],
      summary: 'Change a channel',
      'x-ability': 'messaging.channels.manage',
      requestBody: body(ref('ChannelChanges'), {
        rename: { summary: 'Rename and raise the throughput', value: { name: 'Sales EU', throughputPerSecond: 200 } },
        rotate: { summary: 'Rotate a secret (whatsapp-cloud)', value: { accessToken: 'EAAG-new…' } },
      }),
      responses: { 200: answer('The channel as changed', dataOf(ref('Channel')), { data: { ...channelExample, name: 'Sales EU', throughputPerSecond: 200 } }), ...errorResponses(404, 422) },
    },
    delete: {
      operationId: 'channels.destroy',
      tags: ['Channels'],
      summary: 'Disconnect a channel',
      description: 'Its conversations, messages and templates go with it; contacts stay.',
      'x-ability': 'messaging.channels.manage',
      responses: { 204: { description: 'Disconnected' }, ...errorResponses(404) },
    },
  },
  '/channels/{id}/templates': {
    parameters: [idParameter('channel')],
    get: {
      operationId: 'channels.templates',
      tags: ['Channels'],
      summary: 'The channel’s templates, as last synced',
      'x-ability': 'messaging.view',
      responses: { 200: answer('By name, then language (not paginated)', dataOf({ type: 'array', items: ref('Template') }), { data: [templateExample] }), ...errorResponses(404) },
    },
  },
  '/channels/{id}/templates/sync': {
    parameters: [idParameter('channel')],
    post: {
      operationId: 'channels.templates.sync',
      tags: ['Channels'],
      summary: 'Sync the templates from the provider',
      description: 'Replaces the stored list with the provider’s (added, changed and removed templates).',
      'x-ability': 'messaging.channels.manage',
      responses: {
        200: answer('The templates now stored', dataOf({ type: 'array', items: ref('Template') }), { data: [templateExample] }),
        422: unprocessable('The provider refused', { provider: refused('The provider refused the template list: Invalid OAuth access token') }),
        ...errorResponses(404),
      },
    },
  },
  '/contacts': {
    get: {
      operationId: 'contacts.index',
      tags: ['Contacts'],
      summary: 'Contacts, newest first',
      'x-ability': 'messaging.view',
      parameters: [
        { name: 'search', in: 'query', description: 'In the name and profile name, or 3+ digits of the phone', schema: { type: 'string', maxLength: 100 } },
        ...pageParameters(100, 25),
      ],
      responses: {
        200: answer('A page of contacts', pageOf(ref('Contact')), { data: [contactExample], meta: { page: 1, perPage: 25, total: 1, lastPage: 1 } }),
        ...errorResponses(404, 422),
      },
    },
    post: {
      operationId: 'contacts.store',
      tags: ['Contacts'],
      summary: 'Create a contact',
      'x-ability': 'messaging.contacts.manage',
      requestBody: body(ref('NewContact'), { contact: { value: { name: 'Анна Петрова', phone: '+7 (900) 111-22-33', locale: 'ru', attributes: { tier: 'gold' } } } }),
      responses: {
        201: answer('Created', dataOf(ref('Contact')), { data: { ...contactExample, profileName: null, firstSeenAt: null, lastSeenAt: null } }),
        422: unprocessable('Invalid, or the phone is taken', {
          missing: invalid('phone', 'required', 'The phone field must be defined'),
          taken: refused('phone: a contact with +79001112233 already exists (id 42)', 'phone'),
        }),
        ...errorResponses(404),
      },
    },
  },
  '/contacts/{id}': {
    parameters: [idParameter('contact')],
    get: {
      operationId: 'contacts.show',
      tags: ['Contacts'],
      summary: 'One contact',
      'x-ability': 'messaging.view',
      responses: { 200: answer('The contact', dataOf(ref('Contact')), { data: contactExample }), ...errorResponses(404) },
    },
    patch: {
      operationId: 'contacts.update',
      tags: ['Contacts'],
      summary: 'Change a contact',
      'x-ability': 'messaging.contacts.manage',
      requestBody: body(ref('ContactChanges'), { rename: { value: { name: 'Анна', attributes: { tier: 'platinum' } } }, block: { value: { blocked: true } } }),
      responses: { 200: answer('The contact as changed', dataOf(ref('Contact')), { data: { ...contactExample, name: 'Анна', attributes: { tier: 'platinum' } } }), ...errorResponses(404, 422) },
    },
  },
  '/conversations': {
    get: {
      operationId: 'conversations.index',
      tags: ['Conversations'],
      summary: 'Conversations, most recently active first',
      'x-ability': 'messaging.view',
      parameters: [
        { name: 'status', in: 'query', schema: { enum: ['open', 'pending', 'snoozed', 'resolved'] } },
        { name: 'assignee', in: 'query', description: 'A user id, or `none` for unassigned', schema: { type: 'string', pattern: /^(none|[1-9]\d{0,9})$/.source } },
        { name: 'channel', in: 'query', description: 'A channel id', schema: id },
        { name: 'contact', in: 'query', description: 'A contact id', schema: id },
        ...pageParameters(100, 25),
      ],
      responses: {
        200: answer('A page of conversations, each with its contact', pageOf(ref('Conversation')), { data: [conversationExample], meta: { page: 1, perPage: 25, total: 1, lastPage: 1 } }),
        ...errorResponses(404, 422),
      },
    },
  },
  '/conversations/{id}': {
    parameters: [idParameter('conversation')],
    get: {
      operationId: 'conversations.show',
      tags: ['Conversations'],
      summary: 'One conversation, with its contact',
      'x-ability': 'messaging.view',
      responses: { 200: answer('The conversation', dataOf(ref('Conversation')), { data: conversationExample }), ...errorResponses(404) },
    },
  },
  '/conversations/{id}/messages': {
    parameters: [idParameter('conversation')],
    get: {
      operationId: 'conversations.messages',
      tags: ['Conversations'],
      summary: 'The conversation’s messages',
      description: 'Page 1 holds the newest messages; within a page the newest is last (ready to print as a chat).',
      'x-ability': 'messaging.view',
      parameters: pageParameters(200, 50),
      responses: {
        200: answer('A page of messages', pageOf(ref('Message')), { data: [inboundExample, readExample], meta: { page: 1, perPage: 50, total: 2, lastPage: 1 } }),
        ...errorResponses(404, 422),
      },
    },
    post: {
      operationId: 'conversations.send',
      tags: ['Conversations'],
      summary: 'Send a message in the conversation',
      description: QUEUED,
      'x-ability': 'messaging.send',
      requestBody: body(ref('OutboundMessage'), messageExamples),
      responses: {
        202: answer('Queued', dataOf(ref('Message')), { data: queuedExample }),
        422: sendRefused({
          blocked: refused('This contact is blocked: unblock them to send messages'),
          media: refused('image.mediaId: no such media in this workspace', 'image.mediaId'),
        }),
        ...errorResponses(404),
      },
    },
  },
  '/conversations/{id}/read': {
    parameters: [idParameter('conversation')],
    post: {
      operationId: 'conversations.read',
      tags: ['Conversations'],
      summary: 'Mark the customer’s latest message read (blue ticks)',
      description: 'Sets `unreadCount` to 0 at once; WhatsApp is told in the background (202). With `typing: true` the customer also sees “typing…” (until the reply, or 25 s).',
      'x-ability': 'messaging.send',
      requestBody: body(object({ typing: { type: 'boolean', default: false } }), { typing: { value: { typing: true } } }, false),
      responses: {
        202: answer('Accepted (the conversation, without its contact)', dataOf(ref('Conversation')), { data: { ...conversationFields, unreadCount: 0 } }),
        ...errorResponses(404, 422),
      },
    },
  },
  '/messages': {
    post: {
      operationId: 'messages.store',
      tags: ['Messages'],
      summary: 'Send a message to a number (usually a template, to start a conversation)',
      description: `The number’s contact and conversation on the channel are created when new. ${QUEUED}`,
      'x-ability': 'messaging.send',
      requestBody: body(ref('NewMessage'), {
        template: { summary: 'A template to a new number', value: { channelId: 7, to: '+447700900123', type: 'template', template: templateSend } },
        text: { summary: 'Text (only where the number’s window is open)', value: { channelId: 7, to: '+79001112233', type: 'text', text: { body: 'Your order has shipped.' } } },
      }),
      responses: {
        202: answer('Queued', dataOf(ref('Message')), {
          data: { ...queuedExample, id: 9002, conversationId: 106, type: 'template', content: templateSend, replyToId: null },
        }),
        422: sendRefused({
          channel: refused('channelId: no such channel in this workspace', 'channelId'),
          to: refused('to: not a valid phone number (use the international format, +<country code>…)', 'to'),
        }),
        ...errorResponses(404),
      },
    },
  },
  '/media': {
    post: {
      operationId: 'media.store',
      tags: ['Media'],
      summary: 'Upload a file to send',
      description:
        'Then send it by id: `{ "type": "image", "image": { "mediaId": 31 } }`. Up to 20 MB (the request limit); each type’s own limit ' +
        '(image 5 MB, video and audio 16 MB, sticker 100/500 KB) is the provider’s to enforce when sending.',
      'x-ability': 'messaging.send',
      requestBody: {
        required: true,
        content: { 'multipart/form-data': { schema: object({ file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'The file' } }, ['file']) } },
      },
      responses: { 201: answer('Stored', dataOf(ref('Media')), { data: mediaExample }), ...errorResponses(404, 422) },
    },
  },
  '/media/{id}': {
    parameters: [idParameter('file')],
    get: {
      operationId: 'media.show',
      tags: ['Media'],
      summary: 'Download a file (an inbound photo, an upload)',
      description: 'The bytes with the file’s Content-Type, as an attachment.',
      'x-ability': 'messaging.view',
      responses: { 200: { description: 'The file', content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } }, ...errorResponses(404) },
    },
  },
}

export const messagingApiDocs: ApiDocsFragment = {
  tags: [
    { name: 'Channels', description: 'WhatsApp numbers connected through a provider, and their templates' },
    { name: 'Contacts', description: 'Customers by phone number' },
    { name: 'Conversations', description: 'Contact × channel threads, their messages and replies' },
    { name: 'Messages', description: 'A message to a number' },
    { name: 'Media', description: 'Files to send and received' },
  ],
  paths,
  schemas: { ...channelSchemas, ...contactSchemas, ...conversationSchemas, ...messageSchemas },
}
