import type { HttpContext } from '@adonisjs/core/http'
import { operatedPackages } from '#marketplace/catalogue'
import { blockPackage } from '#marketplace/actions/block_package'
import { blockValidator } from '#marketplace/validators/marketplace'

/**
 * The instance operator's marketplace page: every package the registries here list, blocked or
 * not, with block / unblock through the same action as `node ace marketplace:block`.
 */
export default class OperatorMarketplaceController {
  async index({ view }: HttpContext) {
    return view.render('pages/operator/marketplace', { packages: await operatedPackages() })
  }

  async block(ctx: HttpContext) {
    const { params, reason } = await ctx.request.validateUsing(blockValidator)
    const stopped = await blockPackage(params.package, true, { reason: reason ?? null, actorId: ctx.auth.user!.id, ctx })
    ctx.session.flash('success', ctx.i18n.t('marketplace.operator.blocked', { id: params.package, count: stopped }))
    return ctx.response.redirect().toRoute('operator.marketplace.index')
  }

  async unblock(ctx: HttpContext) {
    const { params } = await ctx.request.validateUsing(blockValidator)
    const reloaded = await blockPackage(params.package, false, { actorId: ctx.auth.user!.id, ctx })
    ctx.session.flash('success', ctx.i18n.t('marketplace.operator.unblocked', { id: params.package, count: reloaded }))
    return ctx.response.redirect().toRoute('operator.marketplace.index')
  }
}
