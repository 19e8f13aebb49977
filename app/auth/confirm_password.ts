import hash from '@adonisjs/core/services/hash'
import { errors } from '@vinejs/vine'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * Sensitive changes (password, 2FA) ask for the current password. A wrong one is a
 * field error on `currentPassword`, shown inline like any other validation error.
 */
export async function assertCurrentPassword(ctx: HttpContext, currentPassword: string) {
  if (await hash.verify(ctx.auth.getUserOrFail().password, currentPassword)) return
  throw new errors.E_VALIDATION_ERROR([
    { field: 'currentPassword', message: ctx.i18n.t('settings.security.wrong_password'), rule: 'password' },
  ])
}
