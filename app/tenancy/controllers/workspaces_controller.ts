import type { HttpContext } from '@adonisjs/core/http'
import { createWorkspace } from '#tenancy/actions/create_workspace'
import { workspacesOf } from '#tenancy/access'
import { createWorkspaceValidator } from '#tenancy/validators/workspace'

export default class WorkspacesController {
  /** The switcher's list, loaded by HTMX when it is first opened (not on every page view). */
  async switcher({ view, auth, request }: HttpContext) {
    const workspaces = await workspacesOf(auth.user!.id)
    return view.render('partials/workspace_switcher', { workspaces, current: request.input('current') })
  }

  /** Organization staff add client workspaces from the switcher. */
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
