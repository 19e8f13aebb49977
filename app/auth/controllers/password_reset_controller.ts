import type { HttpContext } from '@adonisjs/core/http'
import { forgotPasswordValidator, resetPasswordValidator } from '#auth/validators/auth'
import { sendPasswordReset } from '#auth/actions/send_password_reset'
import UserToken from '#auth/models/user_token'
import { revokeSessions } from '#auth/session_tracker'
import AuditLog from '#audit/audit_log'

export default class PasswordResetController {
  async showForgot({ view }: HttpContext) {
    return view.render('pages/auth/forgot_password')
  }

  async sendLink(ctx: HttpContext) {
    const { email } = await ctx.request.validateUsing(forgotPasswordValidator)
    await sendPasswordReset(email, ctx.brand, ctx)
    ctx.session.flash('success', ctx.i18n.t('auth.reset.link_sent'))
    return ctx.response.redirect().toRoute('auth.forgot_password.show')
  }

  async show({ view, params }: HttpContext) {
    return view.render('pages/auth/reset_password', { token: params.token })
  }

  async update(ctx: HttpContext) {
    const { password } = await ctx.request.validateUsing(resetPasswordValidator)
    const user = await UserToken.consume(ctx.params.token, 'password_reset')
    if (!user) {
      ctx.session.flash('error', ctx.i18n.t('auth.reset.invalid_link'))
      return ctx.response.redirect().toRoute('auth.forgot_password.show')
    }
    user.password = password
    await user.save()
    // A reset means the old password may be known to someone else: end every session.
    await revokeSessions((query) => query.where('user_id', user.id))
    await AuditLog.record({ action: 'auth.password_reset', actorId: user.id }, ctx)
    ctx.session.flash('success', ctx.i18n.t('auth.reset.done'))
    return ctx.response.redirect().toRoute('auth.login.show')
  }
}
