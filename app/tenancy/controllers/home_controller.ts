import type { HttpContext } from '@adonisjs/core/http'
import { workspacesOf } from '#tenancy/access'

export default class HomeController {
  /** "/" opens the last workspace used, else the first one the user can open. */
  async show({ auth, response, session, view }: HttpContext) {
    if (!(await auth.check())) return response.redirect().toRoute('auth.login.show')
    const workspaces = await workspacesOf(auth.user!.id)
    const last = workspaces.find((w) => w.slug === session.get('last_workspace'))
    const target = last ?? workspaces[0]
    if (!target) return view.render('pages/no_workspace')
    return response.redirect().toRoute('workspace.dashboard', { workspace: target.slug })
  }
}
