import type { HttpContext } from '@adonisjs/core/http'
import env from '#start/env'
import { signupValidator } from '#auth/validators/auth'
import { registerAccount, signupOpen } from '#tenancy/actions/register_account'
import { sendVerificationEmail } from '#auth/actions/send_verification_email'
import { startSession } from '#auth/session_tracker'
import AuditLog from '#audit/audit_log'

export default class SignupController {
  async show({ view, response }: HttpContext) {
    if (!(await signupOpen(env.get('SIGNUP', 'open')))) return response.notFound()
    return view.render('pages/auth/signup')
  }

  async store(ctx: HttpContext) {
    const { request, response, i18n } = ctx
    if (!(await signupOpen(env.get('SIGNUP', 'open')))) return response.notFound()
    const input = await request.validateUsing(signupValidator)
    const { user, workspace } = await registerAccount({ ...input, locale: i18n.locale })
    await startSession(ctx, user)
    await AuditLog.recordIn(workspace, 'auth.login', user.id, {}, ctx)
    await sendVerificationEmail(user, ctx.brand, ctx)
    return response.redirect().toRoute('workspace.dashboard', { workspace: workspace.slug })
  }
}
