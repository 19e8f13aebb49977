import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Invitation from '#tenancy/models/invitation'
import Membership from '#tenancy/models/membership'
import User from '#auth/models/user'
import AuditLog from '#audit/audit_log'
import { sha256 } from '#auth/models/user_token'
import { hooks } from '#hooks/bus'

/** A pending invitation by its plain token, with its workspace; null if unknown, used or expired. */
export async function findPendingInvitation(token: string) {
  const invitation = await Invitation.query()
    .where('token_hash', sha256(token))
    .whereNull('accepted_at')
    .where('expires_at', '>', DateTime.now().toSQL()!)
    .preload('workspace')
    .first()
  return invitation
}

/**
 * Accepts an invitation: attaches the existing account with that e-mail, or creates one
 * (name and password required then). The invitee's address is verified by the link itself.
 */
export async function acceptInvitation(invitation: Invitation, newAccount?: { fullName: string; password: string }) {
  return db.transaction(async (trx) => {
    let user = await User.query({ client: trx }).where('email', invitation.email).first()
    if (!user) {
      if (!newAccount) throw new Error('A new account needs a name and a password')
      user = await User.create(
        { email: invitation.email, ...newAccount, emailVerifiedAt: DateTime.now(), locale: invitation.workspace.locale },
        { client: trx }
      )
    }
    await Membership.updateOrCreate(
      { workspaceId: invitation.workspaceId, userId: user.id },
      { role: invitation.role },
      { client: trx }
    )
    invitation.useTransaction(trx)
    invitation.acceptedAt = DateTime.now()
    await invitation.save()
    await AuditLog.create(
      {
        action: 'member.joined',
        organizationId: invitation.workspace.organizationId,
        workspaceId: invitation.workspaceId,
        actorId: user.id,
        meta: { role: invitation.role, invitationId: invitation.id },
      },
      { client: trx }
    )
    trx.after('commit', () =>
      hooks.emit('member.joined', {
        workspaceId: invitation.workspaceId,
        userId: user.id,
        role: invitation.role,
        invitedById: invitation.invitedById,
      })
    )
    return user
  })
}
