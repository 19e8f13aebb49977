import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import UserToken from '#auth/models/user_token'
import { sendVerificationEmail } from '#auth/actions/send_verification_email'

export default class EmailVerificationController {
  async verify(ctx: HttpContext) {
    const user = await UserToken.consume(ctx.params.token, 'email_verification')
    if (!user) {
      ctx.session.flash('error', ctx.i18n.t('auth.verify.invalid_link'))
    } else {
      user.emailVerifiedAt = user.emailVerifiedAt ?? DateTime.now()
      await user.save()
      ctx.session.flash('success', ctx.i18n.t('auth.verify.done'))
    }
    return ctx.response.redirect().toRoute('home')
  }

  async resend(ctx: HttpContext) {
    const user = ctx.auth.getUserOrFail()
    if (!user.emailVerifiedAt) await sendVerificationEmail(user, ctx.brand, ctx)
    ctx.session.flash('success', ctx.i18n.t('auth.verify.sent'))
    return ctx.response.redirect().back()
  }
}
