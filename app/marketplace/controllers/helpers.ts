import type { HttpContext } from '@adonisjs/core/http'
import MarketplaceInstallation from '#marketplace/models/installation'
import { ConsentRequired, MarketplaceRefused } from '#marketplace/errors'

/** The workspace's installation of `:package`, or 404 (another workspace's never shows). */
export async function installationOr404(ctx: HttpContext) {
  const installation = await MarketplaceInstallation.query()
    .where('workspace_id', ctx.tenant.workspace.id)
    .where('package_id', String(ctx.params.package))
    .preload('packageVersion')
    .first()
  if (!installation) ctx.response.abort({ errors: [{ message: 'This package is not installed here' }] }, 404)
  return installation!
}

/** A refusal as the API answers it: its status, a stable code, and on a widening upgrade the diff. */
export function refusalResponse(ctx: HttpContext, error: unknown) {
  if (!(error instanceof MarketplaceRefused)) throw error
  const detail = error instanceof ConsentRequired ? { added: error.added, removed: error.removed } : {}
  return ctx.response.status(error.status).send({ errors: [{ code: error.code, message: error.message, ...detail }] })
}
