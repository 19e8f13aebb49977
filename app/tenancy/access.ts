import db from '@adonisjs/lucid/services/db'
import Workspace from '#tenancy/models/workspace'
import { accessCache } from '#tenancy/access_cache'
import type { OrganizationRole, Role } from '#access/roles'

export interface WorkspaceAccess {
  workspace: Workspace
  role: Role
  /** Set for agency staff of the owning organization. */
  organizationRole: OrganizationRole | null
  /** The organization forces two-factor enrolment. */
  requireTwoFactor: boolean
  /** How many members the workspace has (its pages show it). */
  memberCount: number
}

/**
 * The role `userId` holds in the workspace `slug`: their membership's, or — for staff of
 * the owning organization — owner/admin. Null when they have no access, which callers
 * turn into 404 so that another tenant's workspaces cannot even be discovered. Answered from
 * the process's cache (#tenancy/access_cache) when it can.
 */
export async function accessToWorkspace(userId: number, where: { slug: string } | { id: number }) {
  const key = 'slug' in where ? `${userId}:slug:${where.slug}` : `${userId}:id:${where.id}`
  const row = await accessCache.get(key, () => accessRow(userId, where))
  if (!row) return null

  const role = strongestRole(row.member_role, row.org_role)
  if (!role) return null
  const { member_role: _m, org_role: orgRole, org_requires_2fa: requireTwoFactor, member_count: memberCount, ...attributes } = row
  return {
    // A model of its own per request: the cached row is shared.
    workspace: Workspace.$createFromAdapterResult({ ...attributes })!,
    role,
    organizationRole: orgRole,
    requireTwoFactor,
    memberCount,
  } satisfies WorkspaceAccess
}

function accessRow(userId: number, where: { slug: string } | { id: number }) {
  return db
    .from('workspaces as w')
    .select('w.*', 'm.role as member_role', 'om.role as org_role', 'o.require_two_factor as org_requires_2fa')
    // Cached with the access: membership changes forget both.
    .select(db.raw('(select count(*) from memberships where workspace_id = w.id)::int as member_count'))
    .join('organizations as o', 'o.id', 'w.organization_id')
    .leftJoin('memberships as m', (join) => {
      join.on('m.workspace_id', 'w.id').andOnVal('m.user_id', userId)
    })
    .leftJoin('organization_members as om', (join) => {
      join.on('om.organization_id', 'w.organization_id').andOnVal('om.user_id', userId)
    })
    .where('slug' in where ? 'w.slug' : 'w.id', 'slug' in where ? where.slug : where.id)
    .first()
}

const RANK: Record<Role, number> = { owner: 4, admin: 3, agent: 2, viewer: 1 }

function strongestRole(memberRole: Role | null, orgRole: 'owner' | 'admin' | null): Role | null {
  const candidates = [memberRole, orgRole].filter((role): role is Role => !!role)
  return candidates.sort((a, b) => RANK[b] - RANK[a])[0] ?? null
}

/** Every workspace the user can open, for the switcher: their own and their organizations'. */
export function workspacesOf(userId: number) {
  return Workspace.query()
    .whereIn('id', (query) => query.from('memberships').select('workspace_id').where('user_id', userId))
    .orWhereIn('organization_id', (query) =>
      query.from('organization_members').select('organization_id').where('user_id', userId)
    )
    .orderBy('name')
}
