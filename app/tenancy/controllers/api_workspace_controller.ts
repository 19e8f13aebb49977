import type { HttpContext } from '@adonisjs/core/http'

/** /api/v1: the token's workspace and its owner, the first resources of the public API. */
export default class ApiWorkspaceController {
  async show({ tenant, response }: HttpContext) {
    const { workspace } = tenant
    return response.json({
      data: {
        id: workspace.id,
        slug: workspace.slug,
        name: workspace.name,
        timezone: workspace.timezone,
        locale: workspace.locale,
      },
    })
  }

  async me({ auth, tenant, response }: HttpContext) {
    const user = auth.use('api').user!
    return response.json({
      data: {
        id: user.id,
        fullName: user.fullName,
        email: user.email,
        role: tenant.role,
        abilities: user.currentAccessToken.abilities,
      },
    })
  }
}
