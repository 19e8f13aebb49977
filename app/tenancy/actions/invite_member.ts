import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import mail from '@adonisjs/mail/services/main'
import type { HttpContext } from '@adonisjs/core/http'
import Invitation from '#tenancy/models/invitation'
import Organization from '#tenancy/models/organization'
import type Workspace from '#tenancy/models/workspace'
import type User from '#auth/models/user'
import BrandedMail from '#mails/branded_mail'
import AuditLog from '#audit/audit_log'
import { sha256 } from '#auth/models/user_token'
import { absoluteUrl } from '#auth/links'
import { brandOf } from '#tenancy/brand'
import type { Role } from '#access/roles'

/** Invites `email` into `workspace` with `role`; the link in the e-mail is valid 7 days. */
export async function inviteMember(
  input: { workspace: Workspace; email: string; role: Role; invitedBy: User },
  ctx?: HttpContext
) {
  const token = randomBytes(32).toString('base64url')
  const invitation = await Invitation.create({
    workspaceId: input.workspace.id,
    email: input.email,
    role: input.role,
    tokenHash: sha256(token),
    invitedById: input.invitedBy.id,
    expiresAt: DateTime.now().plus({ days: 7 }),
  })
  const organization = await Organization.findOrFail(input.workspace.organizationId)
  const brand = brandOf(organization)
  const url = absoluteUrl('invitations.show', { token }, ctx, [input.workspace.organizationId])
  // The invitee has no account (or no known language) yet: the workspace's language it is.
  await mail.send(
    new BrandedMail(
      input.email,
      'invitation',
      { url, inviter: input.invitedBy.fullName, workspace: input.workspace.name, role: input.role },
      brand,
      input.workspace.locale
    )
  )
  await AuditLog.recordIn(input.workspace, 'member.invited', input.invitedBy.id, { email: input.email, role: input.role }, ctx)
  return invitation
}
