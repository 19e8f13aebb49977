import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import Flow from '#bots/models/flow'
import type BotSession from '#bots/models/bot_session'
import { answerTestSession, skipTestDelay, startTestSession, testSessionOf } from '#bots/services/test_chat'
import { testAnswerValidator } from '#bots/validators/flow'

/**
 * The editor's test chat (services/test_chat.ts): each action answers the panel's partial, the
 * chat as WhatsApp would show it, the variables and the path for the canvas.
 */
export default class TestChatsController {
  async show(ctx: HttpContext) {
    const flow = await Flow.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    return this.render(ctx, flow, await testSessionOf(flow, ctx.auth.user!.id))
  }

  /** POST: starts the test of the draft (again, from the start). */
  async store(ctx: HttpContext) {
    const flow = await Flow.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    return this.render(ctx, flow, await startTestSession(flow, ctx.auth.user!))
  }

  /** POST /answer: what the tester wrote or tapped. */
  async answer(ctx: HttpContext) {
    const flow = await Flow.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    const input = await ctx.request.validateUsing(testAnswerValidator)
    const session = await testSessionOf(flow, ctx.auth.user!.id)
    return this.render(ctx, flow, session ? await answerTestSession(session, input) : null)
  }

  /** POST /skip: a delay ends now. */
  async skip(ctx: HttpContext) {
    const flow = await Flow.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    const session = await testSessionOf(flow, ctx.auth.user!.id)
    return this.render(ctx, flow, session ? await skipTestDelay(session) : null)
  }

  private async render(ctx: HttpContext, flow: Flow, session: BotSession | null) {
    const { workspace } = ctx.tenant
    const state = session?.testState
    // Names for the handoff lines (ids are what the session keeps).
    const handoffs = (state?.transcript ?? []).flatMap((entry) => (entry.dir === 'event' && entry.event === 'handoff' ? [entry.detail] : []))
    const userIds = handoffs.map((detail) => detail.assigneeId).filter((id): id is number => typeof id === 'number')
    const [users, teams] = await Promise.all([
      userIds.length ? db.from('users').whereIn('id', userIds).select('id', 'full_name') : [],
      handoffs.some((detail) => detail.teamId) ? hooks.ask('conversation.teams', { workspaceId: workspace.id }) : undefined,
    ])
    return ctx.view.render('bots::partials/test_chat', {
      flow,
      session,
      transcript: state?.transcript ?? [],
      path: state?.path ?? [],
      variables: Object.entries(session?.variables ?? {}),
      contact: state?.contact ?? null,
      names: {
        users: Object.fromEntries(users.map((user: { id: number; full_name: string }) => [user.id, user.full_name])),
        teams: Object.fromEntries((teams ?? []).map((team) => [team.id, team.name])),
      },
    })
  }
}
