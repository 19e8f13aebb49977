import type { HttpContext } from '@adonisjs/core/http'
import AuditLog from '#audit/audit_log'
import type Workspace from '#tenancy/models/workspace'
import MarketplaceInstallation from '#marketplace/models/installation'
import { marketplace, redisKv } from '#marketplace/runtime'
import { installationChanged } from '#marketplace/loader'

/** Removes a package from one workspace; with `deleteData` its stored data (kv) goes too. False: it was not installed. */
export async function uninstallPackage(workspace: Workspace, packageId: string, deleteData: boolean, actorId: number | null, ctx?: HttpContext) {
  const installation = await MarketplaceInstallation.query().where('workspace_id', workspace.id).where('package_id', packageId).first()
  if (!installation) return false
  await installation.delete()
  await installationChanged(workspace.id, packageId)
  await marketplace.gathered.reset(packageId, workspace.id)
  if (deleteData) await redisKv(packageId, workspace.id).clear()
  await AuditLog.recordIn(workspace, 'marketplace.uninstalled', actorId, { package: packageId, version: installation.version, deleteData }, ctx)
  return true
}
