import type { HttpContext } from '@adonisjs/core/http'
import Team from '#inbox/models/team'
import { saveTeam } from '#inbox/actions/save_team'
import { teamValidator } from '#inbox/validators/team'
import { inboxSettingsPage } from '#inbox/services/inbox_settings'
import { labelled } from '#inbox/controllers/context'

/** The inbox's settings page (teams, auto-assignment) and its teams: create, rename and re-staff, delete. */
export default class TeamsController {
  async index(ctx: HttpContext) {
    return ctx.view.render('inbox::pages/settings', await inboxSettingsPage(ctx))
  }

  async store(ctx: HttpContext) {
    const workspaceId = ctx.tenant.workspace.id
    const { name, members } = await ctx.request.validateUsing(teamValidator, { meta: { workspaceId }, messagesProvider: labelled(ctx) })
    await saveTeam({ workspaceId, name, members: members ?? [] })
    return this.#saved(ctx)
  }

  async update(ctx: HttpContext) {
    const workspaceId = ctx.tenant.workspace.id
    const team = await Team.findInWorkspace(workspaceId, ctx.params.teamId)
    const { name, members } = await ctx.request.validateUsing(teamValidator, { meta: { workspaceId, teamId: team.id }, messagesProvider: labelled(ctx) })
    await saveTeam({ workspaceId, team, name, members: members ?? [] })
    return this.#saved(ctx)
  }

  async destroy(ctx: HttpContext) {
    const team = await Team.findInWorkspace(ctx.tenant.workspace.id, ctx.params.teamId)
    await team.delete()
    return this.#saved(ctx)
  }

  #saved(ctx: HttpContext) {
    ctx.session.flash('success', ctx.i18n.t('inbox.settings.saved'))
    return ctx.response.redirect().toRoute('inbox.settings.index', { workspace: ctx.tenant.workspace.slug })
  }
}
