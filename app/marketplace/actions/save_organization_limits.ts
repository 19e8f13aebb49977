import type { HttpContext } from '@adonisjs/core/http'
import AuditLog from '#audit/audit_log'
import type Workspace from '#tenancy/models/workspace'
import Organization from '#tenancy/models/organization'
import type { Limits } from '#marketplace/manifest'
import MarketplaceInstallation from '#marketplace/models/installation'
import { installationChanged } from '#marketplace/loader'

/**
 * Saves the per-call limits of the organization of `workspace` (the figures given; none set = the
 * defaults) and reloads every installation of its workspaces, here and in the other processes, so
 * the next call runs under them. Organization staff only, checked by the route.
 */
export async function saveOrganizationLimits(workspace: Workspace, limits: { [name in keyof Limits]?: number | null }, actorId: number, ctx?: HttpContext) {
  const organization = await Organization.findOrFail(workspace.organizationId)
  const set = Object.fromEntries(Object.entries(limits).filter(([, value]) => typeof value === 'number')) as Partial<Limits>
  organization.marketplaceLimits = Object.keys(set).length ? set : null
  await organization.save()
  await AuditLog.recordIn(workspace, 'marketplace.limits_changed', actorId, { limits: organization.marketplaceLimits }, ctx)
  for (const installation of await MarketplaceInstallation.ofOrganization(organization.id)) await installationChanged(installation.workspaceId, installation.packageId)
  return organization
}
