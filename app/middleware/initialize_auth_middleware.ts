import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
// The `ctx.auth` property's type is declared there.
import type {} from '@adonisjs/auth/initialize_auth_middleware'

/**
 * Gives every request its authenticator (`ctx.auth`). Unlike @adonisjs/auth's own middleware it
 * does not share it with the views: touching `ctx.view` creates an Edge renderer, which the API
 * and webhooks never use. Pages get the signed-in `user` from the auth middleware.
 */
export default class InitializeAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const auth = await ctx.containerResolver.make('auth.manager')
    ctx.auth = auth.createAuthenticator(ctx)
    return next()
  }
}
