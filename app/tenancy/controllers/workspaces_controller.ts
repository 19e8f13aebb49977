import type { HttpContext } from '@adonisjs/core/http'
import { createWorkspace } from '#tenancy/actions/create_workspace'
import { createWorkspaceValidator } from '#tenancy/validators/workspace'

/** Organization staff add client workspaces from the switcher. */
export default class WorkspacesController {
  async store({ request, response, tenant, auth, session, i18n }: HttpContext) {
    const { name } = await request.validateUsing(createWorkspaceValidator)
    const workspace = await createWorkspace({
      organizationId: tenant.workspace.organizationId,
      name,
      owner: auth.user!,
      timezone: tenant.workspace.timezone,
      locale: tenant.workspace.locale,
    })
    session.flash('success', i18n.t('workspace.created', { name: workspace.name }))
    return response.redirect().toRoute('workspace.dashboard', { workspace: workspace.slug })
  }
}
