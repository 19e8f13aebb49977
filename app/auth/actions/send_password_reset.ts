import mail from '@adonisjs/mail/services/main'
import type { HttpContext } from '@adonisjs/core/http'
import User from '#auth/models/user'
import UserToken from '#auth/models/user_token'
import BrandedMail from '#mails/branded_mail'
import { absoluteUrl, organizationIdsOf } from '#auth/links'
import type { Brand } from '#tenancy/brand'

/** Mails a reset link when the address is known; says nothing either way, so accounts cannot be probed. */
export async function sendPasswordReset(email: string, brand: Brand, ctx?: HttpContext) {
  const user = await User.findBy('email', email)
  if (!user) return
  const token = await UserToken.issue(user, 'password_reset', { hours: 1 })
  const url = absoluteUrl('auth.reset_password.show', { token }, ctx, await organizationIdsOf(user.id))
  await mail.send(new BrandedMail(user.email, 'reset_password', { url, name: user.fullName }, brand, user.locale))
}
