import mail from '@adonisjs/mail/services/main'
import type { HttpContext } from '@adonisjs/core/http'
import User from '#auth/models/user'
import UserToken from '#auth/models/user_token'
import BrandedMail from '#mails/branded_mail'
import { absoluteUrl, organizationIdsOf } from '#auth/links'
import type { Brand } from '#tenancy/brand'

export async function sendVerificationEmail(user: User, brand: Brand, ctx?: HttpContext) {
  const token = await UserToken.issue(user, 'email_verification', { hours: 48 })
  const url = absoluteUrl('auth.verify_email', { token }, ctx, await organizationIdsOf(user.id))
  await mail.send(new BrandedMail(user.email, 'verify_email', { url, name: user.fullName }, brand, user.locale))
}
