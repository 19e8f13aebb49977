import { hooks } from '#hooks/bus'
import type { MessageStatus, MessageType } from '#messaging/models/message'
import type { ConversationStatus } from '#messaging/models/conversation'
import { TEXT_BODY_MAX } from '#messaging/validators/message'

/** What `message.beforeSend` filters may change (or cancel) before the message is queued. */
export interface OutgoingDraft {
  type: MessageType
  content: Record<string, unknown>
}

/**
 * A stored customer's message looking for an automatic handler (a bot, an automation): the first
 * tap that answers takes it; nobody answering leaves it to the humans. `firstMessage`: the
 * contact was created by this very message.
 */
export interface InboundClaim {
  workspaceId: number
  messageId: number
  conversationId: number
  contactId: number
  channelId: number
  type: MessageType
  content: Record<string, unknown>
  firstMessage: boolean
}

export type MessageAuthor = 'agent' | 'bot' | 'contact' | 'campaign' | 'plugin'

declare module '#hooks/catalogue' {
  interface HookCatalogue {
    // text: a text message's body (sandboxed marketplace scripts cannot read messages otherwise).
    'message.received': ActionHook<{ workspaceId: number; messageId: number; conversationId: number; contactId: number; channelId: number; type: MessageType; text?: string | null }>
    'message.statusChanged': ActionHook<{ workspaceId: number; messageId: number; conversationId: number; status: MessageStatus; errorCode: string | null; errorReason: string | null }>
    'message.beforeSend': FilterHook<OutgoingDraft, { workspaceId: number; conversationId: number; channelId: number; contactId: number; authorType: MessageAuthor }>
    'message.sent': ActionHook<{ workspaceId: number; messageId: number; conversationId: number; providerMessageId: string }>
    'contact.created': ActionHook<{ workspaceId: number; contactId: number; phone: string; source: 'inbound' | 'api' | 'import' }>
    'contact.erased': ActionHook<{ workspaceId: number; contactId: number; actorId: number | null }>
    'conversation.opened': ActionHook<{ workspaceId: number; conversationId: number; contactId: number; channelId: number; reopened: boolean }>
    // teamId / previousTeamId: given by the inbox, which has teams (null: no team); absent when a plugin without teams assigns.
    'conversation.assigned': ActionHook<{ workspaceId: number; conversationId: number; assigneeId: number | null; previousAssigneeId: number | null; teamId?: number | null; previousTeamId?: number | null; actorId: number | null }>
    'message.claim': BailHook<InboundClaim, { plugin: string }>
    'conversation.teams': BailHook<{ workspaceId: number }, { id: number; name: string }[]>
    'conversation.assign': BailHook<{ workspaceId: number; conversationId: number; assigneeId?: number | null; teamId?: number | null; actorId: number | null }, { assigneeId: number | null; teamId: number | null }>
    'conversation.setStatus': BailHook<{ workspaceId: number; conversationId: number; from: ConversationStatus; to: 'open' | 'pending'; actorId: number | null }, { status: ConversationStatus }>
  }
}

/**
 * A sandboxed script's answer on `message.beforeSend` (untrusted JSON; `cancel()` is handled by
 * the runtime): nothing (unchanged) or the draft with a new text body. Only a text's body may
 * change: a script that could swap types or content could send what the pipeline never checked.
 */
export function acceptSandboxedDraft(result: unknown, draft: OutgoingDraft): OutgoingDraft | undefined {
  if (result === undefined || result === null) return undefined
  const body = (result as { content?: { body?: unknown } }).content?.body
  if (draft.type !== 'text' || (result as { type?: unknown }).type !== 'text' || typeof body !== 'string') {
    throw new Error('a sandboxed script may only change a text message’s body: return { type: "text", content: { body } }, cancel(reason) or nothing')
  }
  if (body.trim() === '' || body.length > TEXT_BODY_MAX) throw new Error(`the new body must have 1 to ${TEXT_BODY_MAX} characters`)
  return { type: 'text', content: { ...draft.content, body } }
}

/** A sandboxed script's answer on `message.claim`: true takes the message, nothing (or false) leaves it. */
export function acceptSandboxedClaim(result: unknown, plugin: string): { plugin: string } | undefined {
  if (result === undefined || result === null || result === false) return undefined
  if (result !== true) throw new Error('answer true to take the message, or nothing to leave it')
  return { plugin }
}

/** The messaging kernel's hooks, defined at its setup. */
export function defineMessagingHooks() {
  const plugin = 'messaging'
  hooks.define('message.received', { kind: 'action', plugin, description: 'A customer’s message was stored (once, however often the provider repeats it).' })
  hooks.define('message.statusChanged', { kind: 'action', plugin, description: 'An outbound message moved forward: sent, delivered, read, or failed with a code and reason.' })
  hooks.define('message.beforeSend', {
    kind: 'filter',
    policy: 'stop',
    plugin,
    description: 'Before an outbound message is queued: change its content, or cancel it with a reason. Sandboxed scripts may change a text’s body only.',
    sandbox: { consent: 'messaging.sandbox_may.before_send', accept: acceptSandboxedDraft },
  })
  hooks.define('message.sent', { kind: 'action', plugin, description: 'The provider accepted an outbound message (it has a provider message id).' })
  hooks.define('contact.created', { kind: 'action', plugin, description: 'A contact was created (first inbound message, through the API, or by a CRM import).' })
  // Emitted by the CRM's erasure; defined here, on the contacts' own kernel, so that every plugin holding a contact's data taps it with only messaging in its requires.
  hooks.define('contact.erased', {
    kind: 'action',
    plugin,
    description:
      'A contact’s personal data was erased (GDPR, the CRM’s erase): its messages redacted, media, notes, tags and timeline removed, name, phone and e-mail cleared; the row stays. Erase what you keep about contactId too.',
  })
  hooks.define('conversation.opened', { kind: 'action', plugin, description: 'A conversation was opened, or reopened by a new inbound message.' })
  // The assignee is the kernel's column: whoever changes it (the inbox, a bot's handoff) announces it here.
  hooks.define('conversation.assigned', { kind: 'action', plugin, description: 'A conversation was assigned to a member and/or (inbox) a team, or unassigned (assigneeId / teamId null); actorId null: done by the platform (auto-assignment, a bot).' })
  hooks.define('message.claim', {
    kind: 'bail',
    plugin,
    description: 'A stored customer message looks for an automatic handler (a bot): the first tap that answers { plugin } takes it; before message.received. Sandboxed scripts answer true to take it.',
    sandbox: { consent: 'messaging.sandbox_may.claim', accept: (result, _claim, claimer) => acceptSandboxedClaim(result, claimer) },
  })
  // Teams belong to a feature plugin (the inbox); others (a bot's handoff) reach them through these two.
  hooks.define('conversation.teams', { kind: 'bail', plugin, description: 'The teams a conversation can be given to ({ id, name }, by name), from the plugin that has teams (the inbox); no answer: no teams.' })
  hooks.define('conversation.assign', { kind: 'bail', plugin, description: 'Give a conversation to a member and/or a team through the plugin that has teams (the inbox), which checks, writes and announces it; no answer: nobody routes by team here.' })
  // A bot marks the conversations it handles pending and opens them again when it stops; the inbox keeps statuses and shows them live.
  hooks.define('conversation.setStatus', { kind: 'bail', plugin, description: 'Move a conversation from one status to open or pending (only while it is still in `from`) through the plugin that keeps statuses (the inbox), which writes and announces it; answers the status it has now. No answer: the caller writes the column.' })
}
