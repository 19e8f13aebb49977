import type { HttpContext } from '@adonisjs/core/http'
import { assertCurrentPassword } from '#auth/confirm_password'
import UserSession from '#auth/models/user_session'
import AuditLog from '#audit/audit_log'
import { currentSessionId, revokeSessions } from '#auth/session_tracker'
import { changePasswordValidator } from '#auth/validators/settings'
import { remainingRecoveryCodes } from '#auth/two_factor'

export default class SecurityController {
  async show(ctx: HttpContext) {
    const user = ctx.auth.getUserOrFail()
    const sessions = await UserSession.query()
      .where('user_id', user.id)
      .whereNull('revoked_at')
      .orderBy('last_seen_at', 'desc')
      .limit(50)
    return ctx.view.render('pages/settings/security', {
      sessions,
      currentSessionId: currentSessionId(ctx),
      recoveryCodesLeft: user.hasTwoFactor ? remainingRecoveryCodes(user) : 0,
    })
  }

  async updatePassword(ctx: HttpContext) {
    const user = ctx.auth.getUserOrFail()
    const { currentPassword, password } = await ctx.request.validateUsing(changePasswordValidator)
    await assertCurrentPassword(ctx, currentPassword)
    user.password = password
    await user.save()
    // Other browsers signed in with the old password are signed out.
    await revokeSessions((query) => query.where('user_id', user.id).whereNot('id', currentSessionId(ctx) ?? ''))
    await AuditLog.record({ action: 'auth.password_changed', actorId: user.id }, ctx)
    ctx.session.flash('success', ctx.i18n.t('settings.security.password_changed'))
    return ctx.response.redirect().toRoute('settings.security.show')
  }

  async revokeSession(ctx: HttpContext) {
    const user = ctx.auth.getUserOrFail()
    const revoked = await revokeSessions((query) => query.where('user_id', user.id).where('id', ctx.params.id))
    if (!revoked) return ctx.response.notFound()
    await AuditLog.record({ action: 'auth.session_revoked', actorId: user.id, meta: { session: ctx.params.id } }, ctx)
    ctx.session.flash('success', ctx.i18n.t('settings.security.session_revoked'))
    return ctx.response.redirect().toRoute('settings.security.show')
  }
}
