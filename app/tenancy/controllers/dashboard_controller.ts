import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'

export default class DashboardController {
  async show({ view, tenant, session }: HttpContext) {
    session.put('last_workspace', tenant.workspace.slug)
    const [members] = await db.from('memberships').where('workspace_id', tenant.workspace.id).count('* as total')
    return view.render('pages/workspace/dashboard', { memberCount: Number(members.total) })
  }
}
