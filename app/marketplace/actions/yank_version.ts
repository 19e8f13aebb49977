import { DateTime } from 'luxon'
import MarketplacePackageVersion, { LOCAL_REGISTRY } from '#marketplace/models/package_version'
import type MarketplacePublisher from '#marketplace/models/publisher'
import MarketplacePackage from '#marketplace/models/package'

/** A publisher withdraws one of its versions: no new installs; workspaces that have it keep it. False: not theirs or not found. */
export async function yankVersion(publisher: MarketplacePublisher, packageId: string, version: string) {
  const pkg = await MarketplacePackage.query().where('package_id', packageId).where('publisher_id', publisher.id).first()
  if (!pkg) return false
  const updated = await MarketplacePackageVersion.query()
    .where('package_id', packageId)
    .where('version', version)
    .where('registry', LOCAL_REGISTRY)
    .update({ yankedAt: DateTime.now().toSQL() })
  return Number(Array.isArray(updated) ? updated[0] : updated) > 0
}
