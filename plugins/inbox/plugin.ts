import { definePlugin } from '#plugins/define_plugin'
import { defineInboxHooks } from '#inbox/hooks'
import { wakeSnoozed } from '#inbox/jobs/wake_snoozed'
import { tapLiveUpdates } from '#inbox/services/live'

declare module '#plugins/define_plugin' {
  interface SlotCatalogue {
    /** Beside a conversation, under the contact's details (the CRM card goes here). */
    'contact.sidebar': { contactId: number; conversationId: number }
  }
}

/**
 * The shared team inbox (issue 5): the conversation list, a conversation with its messages and
 * composer, internal notes
 * with @mentions, assignment and status. Built on the messaging kernel; README.md says what is here
 * and what comes next.
 */
export default definePlugin({
  name: 'inbox',
  version: '0.3.0',
  description: 'Shared team inbox: conversations, replies, notes, assignment and status',
  requires: { core: '^0.1.0', plugins: { messaging: '^0.1.0' } },
  abilities: {
    'inbox.view': { description: 'See the inbox and its conversations', roles: ['owner', 'admin', 'agent', 'viewer'] },
    'inbox.reply': { description: 'Reply to conversations and change their status', roles: ['owner', 'admin', 'agent'] },
    'inbox.assign': { description: 'Assign conversations to members', roles: ['owner', 'admin', 'agent'] },
  },
  navigation: [{ label: 'inbox.nav', icon: 'inbox', route: 'inbox.index', ability: 'inbox.view', section: 'main', order: 10 }],
  jobs: [wakeSnoozed],
  hooks: {
    provides: ['conversation.resolved', 'conversation.statusChanged', 'note.created'],
    taps: ['message.received', 'message.sent', 'message.statusChanged', 'conversation.opened', 'conversation.assigned', 'conversation.statusChanged', 'note.created'],
  },
  // "Remove data": the notes (conversations and messages are messaging's).
  data: { tables: ['inbox_notes'] },
  setup(host) {
    defineInboxHooks()
    tapLiveUpdates(host.plugin.name)
  },
})
