import { DateTime } from 'luxon'
import type { HttpContext } from '@adonisjs/core/http'
import AuditLog from '#audit/audit_log'
import MarketplacePackage from '#marketplace/models/package'
import MarketplaceInstallation from '#marketplace/models/installation'
import { installationChanged } from '#marketplace/loader'

export interface BlockOptions {
  reason?: string | null
  /** The operator who did it (null: from the shell). */
  actorId?: number | null
  ctx?: HttpContext
}

/**
 * The operator blocks a package (or lifts the block), from the shell (`marketplace:block`) or the
 * operator's page: every installation of it, in every workspace and process, stops at once and
 * loads no more until unblocked. Installations keep their rows, so lifting the block brings back
 * what admins had installed. Audited instance-wide. Answers how many installations it reloaded.
 */
export async function blockPackage(packageId: string, blocked: boolean, { reason = null, actorId = null, ctx }: BlockOptions = {}) {
  const pkg = await MarketplacePackage.firstOrCreate({ packageId }, { packageId, publisherId: null })
  pkg.merge(blocked ? { blockedAt: DateTime.now(), blockedReason: reason } : { blockedAt: null, blockedReason: null })
  await pkg.save()
  const installations = await MarketplaceInstallation.query().where('package_id', packageId)
  for (const installation of installations) await installationChanged(installation.workspaceId, packageId)
  await AuditLog.record({ action: blocked ? 'marketplace.blocked' : 'marketplace.unblocked', actorId, meta: { package: packageId, reason, installations: installations.length } }, ctx)
  return installations.length
}
