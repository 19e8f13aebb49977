import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { isSessionRevoked, touchSession } from '#auth/session_tracker'

/**
 * Staff pages need a signed-in user: HTML requests go to /login, others get 401 JSON.
 * A session revoked from another browser ends here; an organization that requires 2FA
 * sends users who have not enrolled to the enrolment page.
 */
export default class AuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const user = (await ctx.auth.check()) ? ctx.auth.user : null
    if (!user || (await isSessionRevoked(ctx))) {
      if (user) await ctx.auth.use('web').logout()
      if (ctx.request.accepts(['html', 'json']) === 'json' || ctx.request.header('hx-request')) {
        if (ctx.request.header('hx-request')) ctx.response.header('HX-Redirect', '/login')
        return ctx.response.unauthorized({ errors: [{ message: 'Sign in first' }] })
      }
      ctx.session.put('intended', ctx.request.url(true))
      return ctx.response.redirect().toRoute('auth.login.show')
    }
    await touchSession(ctx)
    ctx.view.share({ user })
    return next()
  }
}
