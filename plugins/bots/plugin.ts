import vine from '@vinejs/vine'
import { hooks } from '#hooks/bus'
import { definePlugin } from '#plugins/define_plugin'
import { apiDocs } from '#core/api_docs'
import { botsApiDocs } from '#bots/openapi'
import { defineBotHooks } from '#bots/hooks'
import { resumeSession } from '#bots/jobs/resume_session'
import { sweepSessions } from '#bots/jobs/sweep_sessions'
import { claimInbound, pauseInConversation } from '#bots/services/sessions'
import { tapContactErasure } from '#bots/services/erasure'

/**
 * The bot builder (issue 7): flows (versioned JSON graphs, docs/bot-flow-schema.md) that answer
 * customers on WhatsApp through messaging's outbound pipeline and hand over to humans.
 * README.md says what is here and what comes next (the visual editor).
 */
export default definePlugin({
  name: 'bots',
  version: '0.1.0',
  description: 'Bot flows: automatic answers, questions and handoff to a human',
  requires: { core: '^0.1.0', plugins: { messaging: '^0.1.0' } },
  abilities: {
    'bots.view': { description: 'See bot flows, their versions and statistics', roles: ['owner', 'admin', 'agent', 'viewer'] },
    'bots.manage': { description: 'Import, publish, restore, switch on and off bot flows', roles: ['owner', 'admin'] },
  },
  settings: {
    schema: vine.object({
      sessionIdleMinutes: vine.number().withoutDecimals().min(1).max(30 * 24 * 60),
      businessDays: vine.string().trim().regex(/^[1-7](\s*,\s*[1-7])*$/),
      businessHoursFrom: vine.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
      businessHoursTo: vine.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    }),
    fields: {
      sessionIdleMinutes: { label: 'bots.settings.idle', input: 'number', help: 'bots.settings.idle_help' },
      businessDays: { label: 'bots.settings.days', help: 'bots.settings.days_help' },
      businessHoursFrom: { label: 'bots.settings.from', placeholder: 'bots.settings.time_placeholder' },
      businessHoursTo: { label: 'bots.settings.to', placeholder: 'bots.settings.time_placeholder' },
    },
    defaults: { sessionIdleMinutes: 60, businessDays: '1,2,3,4,5', businessHoursFrom: '09:00', businessHoursTo: '18:00' },
  },
  navigation: [{ label: 'bots.nav', icon: 'bot', route: 'bots.index', ability: 'bots.view', section: 'main', order: 30 }],
  jobs: [resumeSession, sweepSessions],
  hooks: {
    provides: ['bot.sessionStarted', 'bot.nodeEntered', 'bot.completed', 'bot.handoff'],
    taps: ['message.claim', 'message.beforeSend', 'conversation.assigned', 'contact.erased'],
  },
  // Children before parents: "Remove data" deletes in this order.
  data: { tables: ['bot_node_stats', 'bot_sessions', 'bot_flow_versions', 'bot_flows'] },
  setup(host) {
    defineBotHooks()
    apiDocs.add(botsApiDocs)
    const plugin = host.plugin.name
    // A step may call an HTTP endpoint (≤ 10 s) before it answers: a longer deadline than the default.
    hooks.tap('message.claim', { plugin, timeoutMs: 30_000 }, (claim) => claimInbound(claim))
    // Late, after filters that might change the message: a human's reply pauses the bot.
    hooks.tap('message.beforeSend', { plugin, stage: 100 }, async (_draft, context) => {
      if (context.authorType === 'agent') await pauseInConversation(context.workspaceId, context.conversationId)
    })
    // Given to a person (not by the bot's own handoff, whose session has already stopped).
    hooks.tap('conversation.assigned', { plugin }, async ({ workspaceId, conversationId, assigneeId, actorId }) => {
      if (assigneeId !== null && actorId !== null) await pauseInConversation(workspaceId, conversationId)
    })
    tapContactErasure(plugin)
  },
})
