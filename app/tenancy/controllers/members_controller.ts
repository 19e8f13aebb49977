import type { HttpContext } from '@adonisjs/core/http'
import Membership from '#tenancy/models/membership'
import Invitation from '#tenancy/models/invitation'
import { inviteMember } from '#tenancy/actions/invite_member'
import { changeMemberRole, removeMember } from '#tenancy/actions/change_member_role'
import { changeRoleValidator, inviteMemberValidator } from '#tenancy/validators/member'
import { ROLES } from '#access/roles'

export default class MembersController {
  async index({ view, tenant, request }: HttpContext) {
    const members = await Membership.query()
      .where('workspace_id', tenant.workspace.id)
      .preload('user')
      .orderBy('created_at')
      .paginate(request.input('page', 1), 50)
    members.baseUrl(request.url())
    const invitations = await Invitation.query()
      .where('workspace_id', tenant.workspace.id)
      .whereNull('accepted_at')
      .orderBy('created_at', 'desc')
      .limit(100)
    return view.render('pages/workspace/members', { members, invitations, roles: ROLES })
  }

  async invite(ctx: HttpContext) {
    const { email, role } = await ctx.request.validateUsing(inviteMemberValidator)
    if (role === 'owner' && ctx.tenant.role !== 'owner') {
      ctx.session.flashErrors({ role: ctx.i18n.t('members.only_owners_invite_owners') })
      return ctx.response.redirect().back()
    }
    await inviteMember({ workspace: ctx.tenant.workspace, email, role, invitedBy: ctx.auth.user! }, ctx)
    ctx.session.flash('success', ctx.i18n.t('members.invited', { email }))
    return ctx.response.redirect().toRoute('workspace.members.index', { workspace: ctx.tenant.workspace.slug })
  }

  async updateRole(ctx: HttpContext) {
    const membership = await this.#find(ctx)
    const { role } = await ctx.request.validateUsing(changeRoleValidator)
    await changeMemberRole(ctx.tenant, membership, role, ctx.auth.user!)
    ctx.session.flash('success', ctx.i18n.t('settings.saved'))
    return ctx.response.redirect().toRoute('workspace.members.index', { workspace: ctx.tenant.workspace.slug })
  }

  async destroy(ctx: HttpContext) {
    const membership = await this.#find(ctx)
    await removeMember(ctx.tenant, membership, ctx.auth.user!)
    ctx.session.flash('success', ctx.i18n.t('members.removed'))
    return ctx.response.redirect().toRoute('workspace.members.index', { workspace: ctx.tenant.workspace.slug })
  }

  async revokeInvitation(ctx: HttpContext) {
    const invitation = await Invitation.query()
      .where('workspace_id', ctx.tenant.workspace.id)
      .where('id', ctx.params.id)
      .whereNull('accepted_at')
      .firstOrFail()
    await invitation.delete()
    ctx.session.flash('success', ctx.i18n.t('members.invitation_revoked'))
    return ctx.response.redirect().toRoute('workspace.members.index', { workspace: ctx.tenant.workspace.slug })
  }

  #find(ctx: HttpContext) {
    return Membership.query().where('workspace_id', ctx.tenant.workspace.id).where('id', ctx.params.id).firstOrFail()
  }
}
