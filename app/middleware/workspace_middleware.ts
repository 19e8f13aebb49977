import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { errors } from '@adonisjs/core'
import { abilities } from '#access/roles'
import { accessToWorkspace } from '#tenancy/access'
import { pluginEnablement } from '#plugins/enablement'
import { renderSlot } from '#plugins/slots'
import type { WorkspaceAccess } from '#tenancy/access'

export interface Tenant extends WorkspaceAccess {
  can: (ability: string) => boolean
  /** Plugins enabled in this workspace. */
  plugins: ReadonlySet<string>
}

/**
 * Resolves /w/:workspace for the signed-in user. A workspace they cannot open is a 404,
 * exactly like one that does not exist. An organization that requires 2FA sends members
 * who have not enrolled to enrolment first.
 */
export default class WorkspaceMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const user = ctx.auth.getUserOrFail()
    const access = await accessToWorkspace(user.id, { slug: ctx.params.workspace })
    if (!access) {
      throw new errors.E_ROUTE_NOT_FOUND([ctx.request.method(), ctx.request.url()])
    }
    if (access.requireTwoFactor && !user.hasTwoFactor) {
      ctx.session.flash('error', ctx.i18n.t('auth.two_factor.required'))
      return ctx.response.redirect().toRoute('settings.two_factor.create')
    }
    ctx.tenant = {
      ...access,
      can: (ability: string) => abilities.allows(access.role, ability, access.organizationRole),
      plugins: await pluginEnablement.enabledIn(access.workspace.id),
    }
    ctx.view.share({
      tenant: ctx.tenant,
      workspace: access.workspace,
      can: ctx.tenant.can,
      // {{{ await slot('dashboard.widgets') }}}: what enabled plugins put there.
      slot: (name: string, props?: Record<string, unknown>) => renderSlot(ctx, name, props),
    })
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    tenant: Tenant
  }
}
