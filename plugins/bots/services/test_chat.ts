/**
 * The editor's test chat: a member runs a flow's draft against a pretend contact through the
 * same runtime (`startTestSession`, `advance`) as customers' sessions; the session's row keeps
 * the transcript, the variables and the path, which the chat panel and the canvas show.
 */
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type User from '#auth/models/user'
import BotSession from '#bots/models/bot_session'
import type Flow from '#bots/models/flow'
import FlowVersion from '#bots/models/flow_version'
import { advance, botSettings } from '#bots/services/runtime'

/** The pretend contact's number: {{contact.phone}} has something to show. */
const TEST_PHONE = '+15550100000'

/** The member's test session of this flow (the latest), or null. */
export function testSessionOf(flow: Flow, userId: number) {
  return BotSession.query().where('workspace_id', flow.workspaceId).where('flow_id', flow.id).where('test_user_id', userId).orderBy('id', 'desc').first()
}

/** Starts (or starts again: the previous one is removed) the member's test of the flow's draft. */
export async function startTestSession(flow: Flow, user: User) {
  const version = await FlowVersion.workingOf(flow)
  const settings = await botSettings(flow.workspaceId)
  await db.from('bot_sessions').where('workspace_id', flow.workspaceId).where('flow_id', flow.id).where('test_user_id', user.id).delete()
  const session = await BotSession.create({
    workspaceId: flow.workspaceId,
    flowId: flow.id,
    versionId: version.id,
    conversationId: null,
    contactId: null,
    status: 'active',
    nodeId: version.definition.start,
    variables: {},
    retries: 0,
    expiresAt: DateTime.now().plus({ minutes: settings.idleMinutes }),
    trigger: 'test',
    testUserId: user.id,
    testState: { contact: { name: user.fullName, phone: TEST_PHONE, locale: null, attributes: {} }, transcript: [], path: [] },
  })
  return advance(session, { kind: 'start' }, settings)
}

/** The tester wrote (text) or tapped a button or a list row (reply). */
export function answerTestSession(session: BotSession, input: { text?: string; reply?: { id: string; title: string; kind: 'button' | 'list' } }) {
  if (input.reply) {
    const key = input.reply.kind === 'list' ? 'list_reply' : 'button_reply'
    return advance(session, { kind: 'answer', type: 'interactive', content: { type: key, [key]: { id: input.reply.id, title: input.reply.title } } })
  }
  return advance(session, { kind: 'answer', type: 'text', content: { body: input.text ?? '' } })
}

/** "Skip the wait": the delay ends now (its scheduled wake-up then finds nothing to do). */
export async function skipTestDelay(session: BotSession) {
  if (session.waiting !== 'delay') return session
  await db.from('bot_sessions').where('id', session.id).where('waiting', 'delay').update({ wake_at: DateTime.now().toSQL() })
  return advance(session, { kind: 'wake' })
}
