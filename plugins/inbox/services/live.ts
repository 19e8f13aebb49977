import transmit from '@adonisjs/transmit/services/main'
import { hooks } from '#hooks/bus'
import { workspaceChannel } from '#realtime/channels'

/**
 * Live updates: which conversation (and which of its messages or notes) changed, nothing more. Every open
 * inbox fetches the rendered row, message or header itself (one GET of the partial, as the
 * reader's role, language and filters want it), so the HTML comes from the same views as the
 * page's and no customer text travels to browsers that are not showing it.
 */
export interface LiveEvent {
  conversationId: number
  /** The message to fetch and show (new, or with a new status); absent: the conversation itself changed. */
  messageId?: number
  /** An internal note to fetch and show (new or edited; gone when deleted). */
  noteId?: number
  /** The message is the customer's, new: browsers may ring and notify (resources/alerts.js). */
  inbound?: true
}

/** An agent's presence changed (services/presence.ts): the user id; open assign menus fetch their dots. */
export interface PresenceEvent {
  presence: number
}

/** The SSE channel of a workspace's inbox (authorised in channels.ts). */
export const liveChannel = (workspaceId: number) => `${workspaceChannel(workspaceId)}/inbox/live`

export function announce(workspaceId: number, event: LiveEvent | PresenceEvent) {
  transmit.broadcast(liveChannel(workspaceId), { ...event })
}

/**
 * The taps that announce. They run where the hooks fire (the worker, for webhooks and sends);
 * transmit's Redis transport carries the event to every web process.
 */
export function tapLiveUpdates(plugin: string) {
  const onMessage = ({ workspaceId, conversationId, messageId }: { workspaceId: number; conversationId: number; messageId: number }) =>
    announce(workspaceId, { conversationId, messageId })
  const onConversation = ({ workspaceId, conversationId }: { workspaceId: number; conversationId: number }) => announce(workspaceId, { conversationId })

  hooks.tap('message.received', { plugin }, ({ workspaceId, conversationId, messageId }) => announce(workspaceId, { conversationId, messageId, inbound: true }))
  hooks.tap('message.sent', { plugin }, onMessage)
  hooks.tap('message.statusChanged', { plugin }, onMessage)
  hooks.tap('conversation.opened', { plugin }, onConversation)
  hooks.tap('conversation.assigned', { plugin }, onConversation)
  hooks.tap('conversation.statusChanged', { plugin }, onConversation)
  const onNote = ({ workspaceId, conversationId, noteId }: { workspaceId: number; conversationId: number; noteId: number }) => announce(workspaceId, { conversationId, noteId })
  hooks.tap('note.created', { plugin }, onNote)
  // An edited note is fetched again; a deleted one answers 404 and leaves the thread.
  hooks.tap('note.updated', { plugin }, onNote)
  hooks.tap('note.deleted', { plugin }, onNote)
}
