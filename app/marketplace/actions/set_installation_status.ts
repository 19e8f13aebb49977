import type { HttpContext } from '@adonisjs/core/http'
import AuditLog from '#audit/audit_log'
import type Workspace from '#tenancy/models/workspace'
import type MarketplaceInstallation from '#marketplace/models/installation'
import { installationChanged } from '#marketplace/loader'

/**
 * Enables (faults forgotten; the archive is verified again on load, so a quarantined one that
 * still does not verify is quarantined again) or disables an installation, in every process.
 */
export async function setInstallationStatus(
  workspace: Workspace,
  installation: MarketplaceInstallation,
  enabled: boolean,
  actorId: number | null,
  ctx?: HttpContext
) {
  installation.merge(enabled ? { status: 'active', faults: 0, lastFault: null, changedById: actorId } : { status: 'disabled', changedById: actorId })
  await installation.save()
  const outcome = await installationChanged(workspace.id, installation.packageId)
  await installation.refresh()
  await AuditLog.recordIn(workspace, enabled ? 'marketplace.enabled' : 'marketplace.disabled', actorId, { package: installation.packageId }, ctx)
  return outcome
}
