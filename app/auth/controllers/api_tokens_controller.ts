import type { HttpContext } from '@adonisjs/core/http'
import AuditLog from '#audit/audit_log'
import { abilities } from '#access/roles'
import { issueApiToken, revokeApiToken, tokensOfWorkspace } from '#auth/api_tokens'
import { createApiTokenValidator } from '#auth/validators/api_token'

export default class ApiTokensController {
  async index({ view, tenant }: HttpContext) {
    const tokens = await tokensOfWorkspace(tenant.workspace.id)
    return view.render('pages/workspace/api_tokens', {
      tokens: tokens.map((t) => ({ ...t, abilities: JSON.parse(t.abilities) })),
      grantable: abilities.all().filter((a) => tenant.can(a.name)),
    })
  }

  async store(ctx: HttpContext) {
    const { tenant } = ctx
    const input = await ctx.request.validateUsing(createApiTokenValidator)
    // A token can never do more than the member creating it.
    const granted = input.abilities.filter((name) => tenant.can(name))
    const token = await issueApiToken(ctx.auth.user!, tenant.workspace, input.name, granted, { ctx })
    ctx.session.flash('newToken', token.secret)
    return ctx.response.redirect().toRoute('workspace.api_tokens.index', { workspace: tenant.workspace.slug })
  }

  async destroy(ctx: HttpContext) {
    const { tenant } = ctx
    const deleted = await revokeApiToken(tenant.workspace.id, Number(ctx.params.id))
    if (!deleted) return ctx.response.notFound()
    await AuditLog.recordIn(tenant.workspace, 'token.revoked', ctx.auth.user!.id, { tokenId: Number(ctx.params.id) }, ctx)
    ctx.session.flash('success', ctx.i18n.t('tokens.revoked'))
    return ctx.response.redirect().toRoute('workspace.api_tokens.index', { workspace: tenant.workspace.slug })
  }
}
