import { hooks } from '#hooks/bus'

declare module '#hooks/catalogue' {
  interface HookCatalogue {
    'bot.sessionStarted': ActionHook<{ workspaceId: number; sessionId: number; flowId: number; conversationId: number; trigger: string }>
    'bot.nodeEntered': ActionHook<{ workspaceId: number; sessionId: number; flowId: number; conversationId: number; nodeId: string; nodeType: string }>
    'bot.completed': ActionHook<{ workspaceId: number; sessionId: number; flowId: number; conversationId: number }>
    'bot.handoff': ActionHook<{ workspaceId: number; sessionId: number; flowId: number; conversationId: number; assigneeId: number | null; teamId: number | null }>
  }
}

/** The bot builder's hooks, defined at its setup. */
export function defineBotHooks() {
  const plugin = 'bots'
  hooks.define('bot.sessionStarted', { kind: 'action', plugin, description: 'A bot flow started in a conversation (trigger: keyword, regex, new_contact, payload, referral, any, manual).' })
  hooks.define('bot.nodeEntered', { kind: 'action', plugin, description: 'A running bot flow entered a node.' })
  hooks.define('bot.completed', { kind: 'action', plugin, description: 'A bot flow reached its end in a conversation.' })
  hooks.define('bot.handoff', { kind: 'action', plugin, description: 'A bot flow handed its conversation to a human (an agent or a team), and paused.' })
}
