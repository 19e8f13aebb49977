import type { HttpContext } from '@adonisjs/core/http'
import User from '#auth/models/user'
import { acceptInvitation, findPendingInvitation } from '#tenancy/actions/accept_invitation'
import { acceptInvitationValidator } from '#auth/validators/auth'
import { startSession } from '#auth/session_tracker'
import { errors } from '@vinejs/vine'

/** The public accept link from the invitation e-mail. */
export default class InvitationsController {
  async show({ params, view, response }: HttpContext) {
    const invitation = await findPendingInvitation(params.token)
    if (!invitation) return response.notFound()
    const hasAccount = !!(await User.findBy('email', invitation.email))
    return view.render('pages/auth/invitation', { invitation, token: params.token, hasAccount })
  }

  async accept(ctx: HttpContext) {
    const invitation = await findPendingInvitation(ctx.params.token)
    if (!invitation) return ctx.response.notFound()
    const input = await ctx.request.validateUsing(acceptInvitationValidator)
    const existing = await User.findBy('email', invitation.email)
    const signedInAs = (await ctx.auth.check()) ? ctx.auth.user! : null

    if (existing) {
      // Attaching an existing account needs that account's password or its session.
      const owned = signedInAs?.id === existing.id || (input.password && (await existing.verifyPassword(input.password)))
      if (!owned) {
        throw new errors.E_VALIDATION_ERROR([
          { field: 'password', message: ctx.i18n.t('invitations.password_required'), rule: 'password' },
        ])
      }
    } else if (!input.fullName || !input.password) {
      throw new errors.E_VALIDATION_ERROR([
        ...(!input.fullName ? [{ field: 'fullName', message: ctx.i18n.t('validator.shared.messages.required_field'), rule: 'required' }] : []),
        ...(!input.password ? [{ field: 'password', message: ctx.i18n.t('validator.shared.messages.required_field'), rule: 'required' }] : []),
      ])
    }

    const user = await acceptInvitation(
      invitation,
      existing ? undefined : { fullName: input.fullName!, password: input.password! }
    )
    if (signedInAs?.id !== user.id) await startSession(ctx, user)
    return ctx.response.redirect().toRoute('workspace.dashboard', { workspace: invitation.workspace.slug })
  }
}
