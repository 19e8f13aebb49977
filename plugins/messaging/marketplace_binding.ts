/**
 * `messages.send` for sandboxed marketplace scripts (app/sandbox/capabilities.ts): a text in a
 * conversation of the installation's workspace, through the same `sendMessage` as agents and bots
 * (24-hour window, `message.beforeSend`, the rate-limited send queue), authored "plugin" with the
 * package id. Registered from the plugin's setup (the core imports no plugin).
 */
import type { MessagesBinding } from '#sandbox/capabilities'
import { CapabilityError } from '#sandbox/protocol'
import { pluginEnablement } from '#plugins/enablement'
import Conversation from '#messaging/models/conversation'
import { sendMessage } from '#messaging/actions/send_message'
import { Refusal } from '#messaging/services/refusal'
import type { SendMessageInput } from '#messaging/validators/message'

export const messagesBinding: MessagesBinding = {
  async sendText(workspaceId, conversationId, text, packageId) {
    if (!pluginEnablement.isEnabled('messaging', workspaceId)) throw new CapabilityError('messages.send: messaging is off in this workspace')
    const conversation = await Conversation.query().where('workspace_id', workspaceId).where('id', conversationId).first()
    if (!conversation) throw new CapabilityError('messages.send: no such conversation in this workspace')
    try {
      const message = await sendMessage({ conversation, input: { type: 'text', text: { body: text } } as unknown as SendMessageInput, author: { type: 'plugin', id: packageId } })
      return { id: message.id }
    } catch (error) {
      // The reason goes back to the script as a plugin error (window closed, contact blocked, …).
      if (error instanceof Refusal) throw new CapabilityError(`messages.send: ${error.message}`)
      throw error
    }
  },
}
