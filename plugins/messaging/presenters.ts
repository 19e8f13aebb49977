import { absoluteUrl } from '#auth/links'
import type Channel from '#messaging/models/channel'
import type Contact from '#messaging/models/contact'
import type Conversation from '#messaging/models/conversation'
import type Message from '#messaging/models/message'
import type MessageTemplate from '#messaging/models/message_template'
import type Media from '#messaging/models/media'

/**
 * The API's JSON for each record (docs/api.md). Secrets never appear: credentials are not
 * serialized, and only the webhook URL (with Gupshup's token, which the provider must be given)
 * leaves the server.
 */
export function webhookUrlOf(channel: Channel) {
  const url = absoluteUrl('messaging.public.webhooks.receive', { channelId: channel.id })
  return channel.provider === 'whatsapp-gupshup' ? `${url}?token=${encodeURIComponent(channel.credentials.webhookToken ?? '')}` : url
}

export function channelJson(channel: Channel) {
  return {
    id: channel.id,
    provider: channel.provider,
    name: channel.name,
    phoneNumber: channel.displayPhone,
    providerIds: channel.providerIds,
    apiBaseUrl: channel.apiBaseUrl,
    throughputPerSecond: channel.throughputPerSecond,
    webhookUrl: webhookUrlOf(channel),
    health: {
      lastWebhookAt: channel.lastWebhookAt?.toISO() ?? null,
      lastError: channel.lastError,
      lastErrorAt: channel.lastErrorAt?.toISO() ?? null,
    },
    createdAt: channel.createdAt.toISO(),
  }
}

export function contactJson(contact: Contact) {
  return {
    id: contact.id,
    phone: contact.phone,
    waId: contact.waId,
    name: contact.name,
    profileName: contact.profileName,
    locale: contact.locale,
    optIn: { status: contact.optInStatus, source: contact.optInSource, at: contact.optInAt?.toISO() ?? null },
    blocked: contact.blocked,
    attributes: contact.attributes,
    firstSeenAt: contact.firstSeenAt?.toISO() ?? null,
    lastSeenAt: contact.lastSeenAt?.toISO() ?? null,
    createdAt: contact.createdAt.toISO(),
  }
}

export function conversationJson(conversation: Conversation) {
  return {
    id: conversation.id,
    contactId: conversation.contactId,
    channelId: conversation.channelId,
    status: conversation.status,
    assigneeId: conversation.assigneeId,
    snoozedUntil: conversation.snoozedUntil?.toISO() ?? null,
    unreadCount: conversation.unreadCount,
    lastActivityAt: conversation.lastActivityAt.toISO(),
    windowExpiresAt: conversation.windowExpiresAt?.toISO() ?? null,
    contact: conversation.$preloaded.contact ? contactJson(conversation.contact) : undefined,
    createdAt: conversation.createdAt.toISO(),
  }
}

export function messageJson(message: Message) {
  return {
    id: message.id,
    conversationId: message.conversationId,
    channelId: message.channelId,
    direction: message.direction,
    type: message.type,
    status: message.status,
    providerMessageId: message.providerMessageId,
    content: message.content,
    replyToId: message.replyToId,
    author: { type: message.authorType, id: message.authorId },
    errorCode: message.errorCode,
    errorReason: message.errorReason,
    createdAt: message.createdAt.toISO(),
    sentAt: message.sentAt?.toISO() ?? null,
    deliveredAt: message.deliveredAt?.toISO() ?? null,
    readAt: message.readAt?.toISO() ?? null,
    failedAt: message.failedAt?.toISO() ?? null,
  }
}

export function templateJson(template: MessageTemplate) {
  return {
    id: template.id,
    name: template.name,
    language: template.language,
    category: template.category,
    status: template.status,
    components: template.components,
    preview: template.preview(),
    syncedAt: template.syncedAt.toISO(),
  }
}

export function mediaJson(media: Media) {
  return { id: media.id, messageId: media.messageId, filename: media.filename, mime: media.mime, size: media.size, sha256: media.sha256, createdAt: media.createdAt.toISO() }
}

/** `{ data, meta }` of a Lucid paginator. */
export function page<T, R>(paginator: { all(): T[]; currentPage: number; perPage: number; total: number; lastPage: number }, present: (row: T) => R) {
  return {
    data: paginator.all().map(present),
    meta: { page: paginator.currentPage, perPage: paginator.perPage, total: paginator.total, lastPage: paginator.lastPage },
  }
}
