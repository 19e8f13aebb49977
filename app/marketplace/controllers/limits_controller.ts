import type { HttpContext } from '@adonisjs/core/http'
import Organization from '#tenancy/models/organization'
import { DEFAULT_LIMITS, PLATFORM_LIMITS } from '#marketplace/manifest'
import { organizationLimitsValidator } from '#marketplace/validators/marketplace'
import { saveOrganizationLimits } from '#marketplace/actions/save_organization_limits'

/** The per-call limits of marketplace scripts in the organization's workspaces (organization staff), under the instance maximum. */
export default class LimitsController {
  async show({ view, tenant }: HttpContext) {
    const organization = await Organization.findOrFail(tenant.workspace.organizationId)
    const { payloadBytes, ...set } = organization.marketplaceLimits ?? {}
    return view.render('pages/workspace/marketplace/limits', {
      values: { ...set, payloadKb: payloadBytes === undefined ? undefined : payloadBytes / 1024 },
      defaults: { ...DEFAULT_LIMITS, payloadKb: DEFAULT_LIMITS.payloadBytes / 1024 },
      maximums: { ...PLATFORM_LIMITS, payloadKb: PLATFORM_LIMITS.payloadBytes / 1024 },
    })
  }

  async update(ctx: HttpContext) {
    const { payloadKb, ...limits } = await ctx.request.validateUsing(organizationLimitsValidator)
    await saveOrganizationLimits(ctx.tenant.workspace, { ...limits, payloadBytes: payloadKb ? payloadKb * 1024 : undefined }, ctx.auth.user!.id, ctx)
    ctx.session.flash('success', ctx.i18n.t('marketplace.limits_saved'))
    return ctx.response.redirect().toRoute('workspace.marketplace.limits.show', { workspace: ctx.tenant.workspace.slug })
  }
}
