import type { HttpContext } from '@adonisjs/core/http'
import AuditLog from '#audit/audit_log'
import { timezones, updateWorkspaceValidator } from '#tenancy/validators/workspace'

export default class WorkspaceSettingsController {
  async show({ view }: HttpContext) {
    return view.render('pages/workspace/settings', { timezones })
  }

  async update(ctx: HttpContext) {
    const { workspace } = ctx.tenant
    const input = await ctx.request.validateUsing(updateWorkspaceValidator)
    const before = { name: workspace.name, timezone: workspace.timezone, locale: workspace.locale }
    await workspace.merge(input).save()
    await AuditLog.recordIn(workspace, 'workspace.updated', ctx.auth.user!.id, { before, after: input }, ctx)
    ctx.session.flash('success', ctx.i18n.t('settings.saved'))
    return ctx.response.redirect().toRoute('workspace.settings.show', { workspace: workspace.slug })
  }
}
