import { DateTime } from 'luxon'
import type Channel from '#messaging/models/channel'
import Conversation from '#messaging/models/conversation'
import { FAILURE_REASONS } from '#messaging/services/channel_provider'
import { Refusal } from '#messaging/services/refusal'
import { contactForPhone, normalisedPhone } from '#messaging/actions/store_contact'
import { openConversation } from '#messaging/actions/open_conversation'
import { sendMessage, type SendMessageOptions } from '#messaging/actions/send_message'

/**
 * A message to a phone number on a channel (the API's POST /messages, the channel page's test
 * message): into the number's conversation, created when new. A free-form message to a number
 * whose window is closed is refused before anything is created.
 */
export async function messageNumber(channel: Channel, to: string, input: SendMessageOptions['input'], author: SendMessageOptions['author']) {
  if (input.type !== 'template') {
    const phone = normalisedPhone(to, 'to')
    const open = await Conversation.query()
      .where('workspace_id', channel.workspaceId)
      .where('channel_id', channel.id)
      .whereHas('contact', (query) => query.where('phone', phone))
      .where('window_expires_at', '>', DateTime.now().toSQL()!)
      .first()
    if (!open) throw new Refusal(FAILURE_REASONS.window_closed.text)
  }
  const contact = await contactForPhone(channel.workspaceId, to)
  const conversation = await openConversation(channel, contact)
  return sendMessage({ conversation, input, author })
}
