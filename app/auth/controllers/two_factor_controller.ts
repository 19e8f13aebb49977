import type { HttpContext } from '@adonisjs/core/http'
import { assertCurrentPassword } from '#auth/confirm_password'
import AuditLog from '#audit/audit_log'
import { confirmPasswordValidator, enableTwoFactorValidator } from '#auth/validators/settings'
import {
  disableTwoFactor,
  enableTwoFactor,
  enrolmentQr,
  newSecret,
  regenerateRecoveryCodes,
  verifyTotp,
} from '#auth/two_factor'

// The secret being enrolled lives in the session until the user proves they scanned it.
const ENROLLING = 'two_factor_enrolling_secret'

export default class TwoFactorController {
  async create(ctx: HttpContext) {
    const user = ctx.auth.getUserOrFail()
    if (user.hasTwoFactor) return ctx.response.redirect().toRoute('settings.security.show')
    const secret = ctx.session.get(ENROLLING) ?? newSecret()
    ctx.session.put(ENROLLING, secret)
    const { uri, qr } = await enrolmentQr(user, secret, ctx.brand.productName)
    return ctx.view.render('pages/settings/two_factor_enrol', { secret, uri, qr })
  }

  async store(ctx: HttpContext) {
    const user = ctx.auth.getUserOrFail()
    const secret = ctx.session.get(ENROLLING)
    const { code } = await ctx.request.validateUsing(enableTwoFactorValidator)
    if (!secret || !verifyTotp(secret, code)) {
      ctx.session.flashErrors({ code: ctx.i18n.t('auth.two_factor.invalid_code') })
      return ctx.response.redirect().toRoute('settings.two_factor.create')
    }
    const codes = await enableTwoFactor(user, secret)
    ctx.session.forget(ENROLLING)
    await AuditLog.record({ action: 'auth.two_factor_enabled', actorId: user.id }, ctx)
    return ctx.view.render('pages/settings/recovery_codes', { codes })
  }

  async regenerate(ctx: HttpContext) {
    const user = ctx.auth.getUserOrFail()
    await this.#confirmPassword(ctx)
    const codes = await regenerateRecoveryCodes(user)
    return ctx.view.render('pages/settings/recovery_codes', { codes })
  }

  async destroy(ctx: HttpContext) {
    const user = ctx.auth.getUserOrFail()
    await this.#confirmPassword(ctx)
    await disableTwoFactor(user)
    await AuditLog.record({ action: 'auth.two_factor_disabled', actorId: user.id }, ctx)
    ctx.session.flash('success', ctx.i18n.t('settings.security.two_factor_disabled'))
    return ctx.response.redirect().toRoute('settings.security.show')
  }

  async #confirmPassword(ctx: HttpContext) {
    const { currentPassword } = await ctx.request.validateUsing(confirmPasswordValidator)
    await assertCurrentPassword(ctx, currentPassword)
  }
}
