import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Workspace from '#tenancy/models/workspace'
import Membership from '#tenancy/models/membership'
import AuditLog from '#audit/audit_log'
import { uniqueSlug } from '#tenancy/slug'
import { hooks } from '#hooks/bus'
import { enableDefaults } from '#plugins/policies'
import type User from '#auth/models/user'

interface CreateWorkspaceInput {
  organizationId: number
  name: string
  owner: User
  timezone?: string
  locale?: string
}

/** Creates a workspace in an organization with `owner` as its first member. */
export async function createWorkspace(input: CreateWorkspaceInput, outer?: TransactionClientContract) {
  const run = async (trx: TransactionClientContract) => {
    const workspace = await Workspace.create(
      {
        organizationId: input.organizationId,
        name: input.name,
        slug: await uniqueSlug('workspaces', input.name, trx),
        timezone: input.timezone ?? 'UTC',
        locale: input.locale ?? 'en',
      },
      { client: trx }
    )
    await Membership.create({ workspaceId: workspace.id, userId: input.owner.id, role: 'owner' }, { client: trx })
    await AuditLog.create(
      {
        action: 'workspace.created',
        organizationId: input.organizationId,
        workspaceId: workspace.id,
        actorId: input.owner.id,
        meta: { name: workspace.name },
      },
      { client: trx }
    )
    // Plugins hear of it once it is committed (also when an outer transaction owns this one).
    trx.after('commit', async () => {
      await enableDefaults(workspace, input.owner.id)
      await hooks.emit('workspace.created', {
        workspaceId: workspace.id,
        organizationId: workspace.organizationId,
        name: workspace.name,
        slug: workspace.slug,
        createdById: input.owner.id,
      })
    })
    return workspace
  }
  return outer ? run(outer) : db.transaction(run)
}
