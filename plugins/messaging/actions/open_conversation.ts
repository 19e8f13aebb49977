import { DateTime } from 'luxon'
import { hooks } from '#hooks/bus'
import type Channel from '#messaging/models/channel'
import type Contact from '#messaging/models/contact'
import Conversation from '#messaging/models/conversation'

/**
 * The conversation a business-initiated message goes into: the contact's latest on this
 * channel, reopened if it was resolved, or a new one. Announced on `conversation.opened`.
 */
export async function openConversation(channel: Channel, contact: Contact) {
  const latest = await Conversation.query()
    .where('workspace_id', channel.workspaceId)
    .where('contact_id', contact.id)
    .where('channel_id', channel.id)
    .orderBy('id', 'desc')
    .first()
  if (latest && latest.status !== 'resolved') return latest
  const conversation = latest
    ? await latest.merge({ status: 'open', lastActivityAt: DateTime.now() }).save()
    : await Conversation.create({
        workspaceId: channel.workspaceId,
        contactId: contact.id,
        channelId: channel.id,
        status: 'open',
        lastActivityAt: DateTime.now(),
        unreadCount: 0,
      })
  await hooks.emit('conversation.opened', {
    workspaceId: channel.workspaceId,
    conversationId: conversation.id,
    contactId: contact.id,
    channelId: channel.id,
    reopened: !!latest,
  })
  return conversation
}
