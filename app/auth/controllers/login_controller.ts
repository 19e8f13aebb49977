import type { HttpContext } from '@adonisjs/core/http'
import { loginValidator, twoFactorCodeValidator } from '#auth/validators/auth'
import { attemptLogin, attemptSecondFactor } from '#auth/actions/attempt_login'
import { endSession, startSession } from '#auth/session_tracker'
import { verifySecondFactor } from '#auth/two_factor'
import User from '#auth/models/user'
import AuditLog from '#audit/audit_log'
import { hooks } from '#hooks/bus'

const PENDING_2FA = 'pending_two_factor_user'

export default class LoginController {
  async show({ view }: HttpContext) {
    return view.render('pages/auth/login')
  }

  async store(ctx: HttpContext) {
    const { email, password } = await ctx.request.validateUsing(loginValidator)
    const user = await attemptLogin(ctx, email, password)
    if (user.hasTwoFactor) {
      // The password was right; the session is only granted after the second factor.
      ctx.session.put(PENDING_2FA, { id: user.id, at: Date.now() })
      return ctx.response.redirect().toRoute('auth.two_factor_challenge.show')
    }
    return this.#signIn(ctx, user)
  }

  async showChallenge({ view, session, response }: HttpContext) {
    if (!session.get(PENDING_2FA)) return response.redirect().toRoute('auth.login.show')
    return view.render('pages/auth/two_factor_challenge')
  }

  async verifyChallenge(ctx: HttpContext) {
    const pending = ctx.session.get(PENDING_2FA) as { id: number; at: number } | undefined
    // The second factor must follow the password within 10 minutes.
    if (!pending || Date.now() - pending.at > 10 * 60_000) {
      ctx.session.forget(PENDING_2FA)
      return ctx.response.redirect().toRoute('auth.login.show')
    }
    const { code } = await ctx.request.validateUsing(twoFactorCodeValidator)
    const user = await User.findOrFail(pending.id)
    const method = await attemptSecondFactor(ctx, user, () => verifySecondFactor(user, code))
    if (!method) {
      ctx.session.flashErrors({ code: ctx.i18n.t('auth.two_factor.invalid_code') })
      return ctx.response.redirect().toRoute('auth.two_factor_challenge.show')
    }
    ctx.session.forget(PENDING_2FA)
    return this.#signIn(ctx, user, { secondFactor: method })
  }

  async destroy(ctx: HttpContext) {
    const user = ctx.auth.user
    await endSession(ctx)
    if (user) await AuditLog.record({ action: 'auth.logout', actorId: user.id }, ctx)
    return ctx.response.redirect().toRoute('auth.login.show')
  }

  async #signIn(ctx: HttpContext, user: User, meta: Record<string, unknown> = {}) {
    await startSession(ctx, user)
    await AuditLog.record({ action: 'auth.login', actorId: user.id, meta }, ctx)
    await hooks.emit('user.loggedIn', { workspaceId: null, userId: user.id, twoFactor: 'secondFactor' in meta })
    const intended = ctx.session.pull('intended')
    if (typeof intended === 'string' && intended.startsWith('/') && !intended.startsWith('//')) {
      return ctx.response.redirect(intended)
    }
    return ctx.response.redirect().toRoute('home')
  }
}
