import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { abilities } from '#access/roles'
import { accessToWorkspace } from '#tenancy/access'
import { pluginEnablement } from '#plugins/enablement'
import type { WorkspaceAccessToken } from '#auth/workspace_tokens_provider'
import { apiPerToken } from '#start/limiter'

/**
 * /api/v1: a personal token (Authorization: Bearer) is bound to one workspace.
 * What it may do is what its abilities list AND its owner's current role allow,
 * so demoting a member narrows their tokens at once.
 */
export default class ApiMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const user = await ctx.auth.use('api').authenticate()
    const token = user.currentAccessToken as WorkspaceAccessToken
    // Per token, so one runaway script cannot starve the workspace's other integrations.
    await apiPerToken.consume(`api_${token.identifier}`)
    const workspaceId = token.workspaceId
    const access = workspaceId ? await accessToWorkspace(user.id, { id: workspaceId }) : null
    if (!access) {
      return ctx.response.unauthorized({ errors: [{ message: 'This token no longer has access to its workspace' }] })
    }
    ctx.tenant = {
      ...access,
      can: (ability) => abilities.allows(access.role, ability, access.organizationRole) && token.allows(ability),
      plugins: await pluginEnablement.enabledIn(access.workspace.id),
    }
    return next()
  }
}
