import type { HttpContext } from '@adonisjs/core/http'
import MarketplaceTrustedKey from '#marketplace/models/trusted_key'
import { trustPublisherKey, removePublisherKey } from '#marketplace/actions/trust_publisher_key'
import { trustedKeyValidator } from '#marketplace/validators/marketplace'
import { MarketplaceRefused } from '#marketplace/errors'

/** The organization's trusted publisher keys (organization staff): its workspaces install only packages signed by one of them. */
export default class TrustedKeysController {
  async index({ view, tenant }: HttpContext) {
    const keys = await MarketplaceTrustedKey.query().where('organization_id', tenant.workspace.organizationId).orderBy('id')
    return view.render('pages/workspace/marketplace/keys', { keys })
  }

  async store(ctx: HttpContext) {
    const { publisher, publicKey } = await ctx.request.validateUsing(trustedKeyValidator)
    try {
      await trustPublisherKey(ctx.tenant.workspace, publisher, publicKey, ctx.auth.user!.id, ctx)
      ctx.session.flash('success', ctx.i18n.t('marketplace.key_trusted', { publisher }))
    } catch (error) {
      if (!(error instanceof MarketplaceRefused)) throw error
      if (ctx.request.accepts(['html', 'json']) === 'json') return ctx.response.unprocessableEntity({ errors: [{ field: 'publicKey', message: error.message }] })
      ctx.session.flash('errorsBag', { publicKey: error.message })
      ctx.session.flashAll()
    }
    return ctx.response.redirect().toRoute('workspace.marketplace.keys.index', { workspace: ctx.tenant.workspace.slug })
  }

  async destroy(ctx: HttpContext) {
    const removed = await removePublisherKey(ctx.tenant.workspace, Number(ctx.params.id), ctx.auth.user!.id, ctx)
    if (!removed) return ctx.response.notFound({ errors: [{ message: 'No such key' }] })
    ctx.session.flash('success', ctx.i18n.t('marketplace.key_removed'))
    return ctx.response.redirect().toRoute('workspace.marketplace.keys.index', { workspace: ctx.tenant.workspace.slug })
  }
}
