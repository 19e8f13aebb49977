import { hooks } from '#hooks/bus'
import type { ConversationStatus } from '#messaging/models/conversation'

declare module '#hooks/catalogue' {
  interface HookCatalogue {
    'conversation.resolved': ActionHook<{ workspaceId: number; conversationId: number; actorId: number | null }>
    'conversation.statusChanged': ActionHook<{ workspaceId: number; conversationId: number; status: ConversationStatus; previousStatus: ConversationStatus; actorId: number | null }>
    'note.created': ActionHook<{ workspaceId: number; conversationId: number; noteId: number; authorId: number; mentions: number[] }>
    'note.updated': ActionHook<{ workspaceId: number; conversationId: number; noteId: number; editorId: number }>
    'note.deleted': ActionHook<{ workspaceId: number; conversationId: number; noteId: number; actorId: number }>
  }
}

/** The inbox's hooks, defined at its setup (conversation.assigned is messaging's: the assignee is its column). */
export function defineInboxHooks() {
  const plugin = 'inbox'
  hooks.define('conversation.resolved', { kind: 'action', plugin, description: 'A conversation was marked resolved.' })
  hooks.define('conversation.statusChanged', { kind: 'action', plugin, description: 'A conversation moved to open, pending, snoozed or resolved (by an agent, or woken from a snooze).' })
  hooks.define('note.created', { kind: 'action', plugin, description: 'An agent added an internal note to a conversation (never sent to the customer); mentions: the members it mentions.' })
  hooks.define('note.updated', { kind: 'action', plugin, description: 'An internal note was edited (by its author, or an owner or admin).' })
  hooks.define('note.deleted', { kind: 'action', plugin, description: 'An internal note was deleted (by its author, or an owner or admin).' })
}
