import { definePlugin } from '#plugins/define_plugin'
import { defineInboxHooks } from '#inbox/hooks'
import { wakeSnoozed } from '#inbox/jobs/wake_snoozed'
import { tapLiveUpdates } from '#inbox/services/live'
import { autoAssign, tapAutoAssignment } from '#inbox/jobs/auto_assign'
import { tapTeamMembers, tapTeamRouting } from '#inbox/services/teams'
import { tapStatusRequests } from '#inbox/services/status_requests'
import { tapContactErasure } from '#inbox/services/erasure'

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
    'inbox.manage': { description: 'Manage teams and auto-assignment', roles: ['owner', 'admin'] },
    'inbox.quick_replies.manage': { description: 'Create, change and delete the quick replies agents insert with "/"', roles: ['owner', 'admin'] },
    'inbox.notes.manage': { description: 'Edit and delete anyone’s internal notes (authors may change their own)', roles: ['owner', 'admin'] },
  },
  navigation: [
    { label: 'inbox.nav', icon: 'inbox', route: 'inbox.index', ability: 'inbox.view', section: 'main', order: 10 },
    { key: 'inbox_settings', label: 'inbox.settings.nav', icon: 'users', route: 'inbox.settings.index', ability: 'inbox.manage', section: 'settings', order: 15 },
    { label: 'inbox.quick_replies.nav', icon: 'inbox', route: 'inbox.quick_replies.index', ability: 'inbox.quick_replies.manage', section: 'settings', order: 35 },
  ],
  // The user menu's presence switch (and the ping that keeps the agent online).
  slots: { 'user.menu': { view: 'inbox::partials/presence_slot', ability: 'inbox.reply' } },
  jobs: [wakeSnoozed, autoAssign],
  hooks: {
    provides: ['conversation.resolved', 'conversation.statusChanged', 'note.created', 'note.updated', 'note.deleted'],
    taps: ['message.received', 'message.sent', 'message.statusChanged', 'conversation.opened', 'conversation.assigned', 'conversation.statusChanged', 'note.created', 'note.updated', 'note.deleted', 'member.removed', 'contact.erased', 'conversation.teams', 'conversation.assign', 'conversation.setStatus'],
  },
  // "Remove data": the notes, teams and quick replies (conversations and messages are messaging's).
  data: { tables: ['inbox_notes', 'inbox_quick_replies', 'inbox_conversation_teams', 'inbox_team_members', 'inbox_teams'] },
  setup(host) {
    defineInboxHooks()
    tapLiveUpdates(host.plugin.name)
    tapAutoAssignment(host.plugin.name)
    tapTeamMembers(host.plugin.name)
    tapTeamRouting(host.plugin.name)
    tapStatusRequests(host.plugin.name)
    tapContactErasure(host.plugin.name)
  },
})
