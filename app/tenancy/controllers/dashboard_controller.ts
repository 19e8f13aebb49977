import type { HttpContext } from '@adonisjs/core/http'

export default class DashboardController {
  async show({ view, tenant, session }: HttpContext) {
    // Only when it changes: a session written on every page costs a cookie re-encryption each time.
    if (session.get('last_workspace') !== tenant.workspace.slug) session.put('last_workspace', tenant.workspace.slug)
    return view.render('pages/workspace/dashboard', { memberCount: tenant.memberCount })
  }
}
