import { errors } from '@vinejs/vine'
import db from '@adonisjs/lucid/services/db'
import Membership from '#tenancy/models/membership'
import AuditLog from '#audit/audit_log'
import { ForbiddenException } from '#exceptions/forbidden_exception'
import type { Tenant } from '#middleware/workspace_middleware'
import type { Role } from '#access/roles'
import type User from '#auth/models/user'
import { hooks } from '#hooks/bus'

/**
 * Owner is a role only owners hand out or take away, and a workspace always keeps
 * at least one owner.
 */
async function guardOwnership(tenant: Tenant, membership: Membership, nextRole: Role | null) {
  const touchesOwner = membership.role === 'owner' || nextRole === 'owner'
  if (touchesOwner && tenant.role !== 'owner') throw new ForbiddenException('members.manage_owners')
  if (membership.role === 'owner' && nextRole !== 'owner') {
    const owners = await db
      .from('memberships')
      .where('workspace_id', membership.workspaceId)
      .where('role', 'owner')
      .count('* as total')
    if (Number(owners[0].total) <= 1) {
      throw new errors.E_VALIDATION_ERROR([
        { field: 'role', message: 'A workspace needs at least one owner', rule: 'last_owner' },
      ])
    }
  }
}

export async function changeMemberRole(tenant: Tenant, membership: Membership, role: Role, actor: User) {
  await guardOwnership(tenant, membership, role)
  const from = membership.role
  membership.role = role
  await membership.save()
  await AuditLog.recordIn(tenant.workspace, 'member.role_changed', actor.id, { userId: membership.userId, from, to: role })
  await hooks.emit('member.roleChanged', {
    workspaceId: tenant.workspace.id,
    userId: membership.userId,
    from,
    to: role,
    changedById: actor.id,
  })
}

export async function removeMember(tenant: Tenant, membership: Membership, actor: User) {
  await guardOwnership(tenant, membership, null)
  await membership.delete()
  await AuditLog.recordIn(tenant.workspace, 'member.removed', actor.id, { userId: membership.userId, role: membership.role })
  await hooks.emit('member.removed', { workspaceId: tenant.workspace.id, userId: membership.userId, removedById: actor.id })
}
