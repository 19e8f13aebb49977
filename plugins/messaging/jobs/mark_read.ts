import { defineJob } from '#jobs/registry'
import Channel from '#messaging/models/channel'
import Message from '#messaging/models/message'
import { providers } from '#messaging/services/providers'

/**
 * Blue ticks (and "typing…") on the customer's latest message. Best effort: a failure is
 * retried a little, never shown to the agent (the message was read either way).
 */
export const markRead = defineJob<{ workspaceId: number; conversationId: number; typing: boolean }>({
  name: 'messaging.mark_read',
  queue: 'messaging-send',
  attempts: 3,
  async handle({ workspaceId, conversationId, typing }) {
    const latest = await Message.query()
      .where('workspace_id', workspaceId)
      .where('conversation_id', conversationId)
      .where('direction', 'inbound')
      .whereNotNull('provider_message_id')
      .orderBy('id', 'desc')
      .first()
    if (!latest) return
    const channel = await Channel.findInWorkspace(workspaceId, latest.channelId)
    const provider = providers.get(channel.provider)
    if (typing && provider.features.typing) await provider.typing(channel, latest.providerMessageId!)
    else await provider.markRead(channel, latest.providerMessageId!)
  },
})
