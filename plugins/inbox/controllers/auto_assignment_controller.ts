import type { HttpContext } from '@adonisjs/core/http'
import { Refusal } from '#messaging/services/refusal'
import Team from '#inbox/models/team'
import { saveAutoAssignment } from '#inbox/services/auto_assignment'
import { autoAssignSoon } from '#inbox/jobs/auto_assign'
import { autoAssignmentValidator } from '#inbox/validators/auto_assignment'
import { labelled } from '#inbox/controllers/context'

/** POST settings/auto-assignment: on or off, capacity, team. Turned on, waiting conversations are offered at once. */
export default class AutoAssignmentController {
  async update(ctx: HttpContext) {
    const workspace = ctx.tenant.workspace
    const { enabled, capacity, teamId } = await ctx.request.validateUsing(autoAssignmentValidator, { messagesProvider: labelled(ctx) })
    if (teamId && !(await Team.query().where('workspace_id', workspace.id).where('id', teamId).first())) {
      throw new Refusal(ctx.i18n.t('inbox.auto_assign.unknown_team'), 'teamId')
    }
    await saveAutoAssignment(workspace, { enabled: !!enabled, capacity, teamId: teamId ?? null }, ctx.auth.user!.id)
    if (enabled) await autoAssignSoon(workspace.id)
    ctx.session.flash('success', ctx.i18n.t('inbox.settings.saved'))
    return ctx.response.redirect().toRoute('inbox.settings.index', { workspace: workspace.slug })
  }
}
