import { DateTime } from 'luxon'
import MarketplacePackage from '#marketplace/models/package'
import MarketplaceInstallation from '#marketplace/models/installation'
import { installationChanged } from '#marketplace/loader'

/**
 * The operator blocks a package (or lifts the block): every installation of it, in every
 * workspace and process, stops at once and loads no more until unblocked. Installations keep
 * their rows, so lifting the block brings back what admins had installed.
 */
export async function blockPackage(packageId: string, blocked: boolean, reason: string | null = null) {
  const pkg = await MarketplacePackage.firstOrCreate({ packageId }, { packageId, publisherId: null })
  pkg.merge(blocked ? { blockedAt: DateTime.now(), blockedReason: reason } : { blockedAt: null, blockedReason: null })
  await pkg.save()
  const installations = await MarketplaceInstallation.query().where('package_id', packageId)
  for (const installation of installations) await installationChanged(installation.workspaceId, packageId)
  return installations.length
}
