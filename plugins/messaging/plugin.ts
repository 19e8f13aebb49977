import { definePlugin } from '#plugins/define_plugin'
import { capabilityBindings } from '#sandbox/capabilities'
import { messagesBinding } from '#messaging/marketplace_binding'
import { processWebhookEvents } from '#messaging/jobs/process_webhook_events'
import { sweepWebhookEvents } from '#messaging/jobs/sweep_webhook_events'
import { fetchMedia } from '#messaging/jobs/fetch_media'
import { sendChannel } from '#messaging/jobs/send_channel'
import { markRead } from '#messaging/jobs/mark_read'
import { defineMessagingHooks } from '#messaging/hooks'
import { apiDocs } from '#core/api_docs'
import { messagingApiDocs } from '#messaging/openapi'
import { registerAuditActions } from '#audit/audit_log'

declare module '#audit/audit_log' {
  interface PluginAuditActions {
    'channel.connected': true
    'channel.updated': true
    'channel.deleted': true
  }
}

/**
 * The messaging kernel: contacts, WhatsApp channels, conversations and messages, which every
 * messaging feature (providers, inbox, CRM, bots, campaigns) builds on. What every field
 * means: docs/plugin-authoring.md.
 */
export default definePlugin({
  name: 'messaging',
  version: '0.1.0',
  description: 'Contacts, channels, conversations and messages: the kernel every messaging feature builds on',
  requires: { core: '^0.1.0' },
  abilities: {
    'messaging.view': { description: 'See channels, contacts and conversations', roles: ['owner', 'admin', 'agent', 'viewer'] },
    'messaging.channels.manage': { description: 'Connect and change WhatsApp channels', roles: ['owner', 'admin'] },
    'messaging.send': { description: 'Send messages to customers', roles: ['owner', 'admin', 'agent'] },
    'messaging.contacts.manage': { description: 'Create and edit contacts', roles: ['owner', 'admin', 'agent'] },
  },
  navigation: [
    { label: 'messaging.nav', icon: 'queue', route: 'messaging.index', ability: 'messaging.view', section: 'main', order: 20 },
  ],
  jobs: [processWebhookEvents, sweepWebhookEvents, fetchMedia, sendChannel, markRead],
  hooks: {
    provides: ['message.received', 'message.statusChanged', 'message.beforeSend', 'message.sent', 'message.claim', 'contact.created', 'contact.erased', 'conversation.opened', 'conversation.assigned', 'conversation.teams', 'conversation.assign', 'conversation.setStatus'],
  },
  // Children before parents: "Remove data" deletes in this order.
  data: {
    tables: ['webhook_events', 'pending_statuses', 'media', 'messages', 'message_templates', 'conversations', 'channels', 'contacts'],
  },
  setup() {
    defineMessagingHooks()
    apiDocs.add(messagingApiDocs)
    registerAuditActions('channel.connected', 'channel.updated', 'channel.deleted')
    // Marketplace scripts granted `messages.send` send through this pipeline, in their workspace only.
    capabilityBindings.messages = messagesBinding
  },
})
