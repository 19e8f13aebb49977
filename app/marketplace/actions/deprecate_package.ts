import MarketplacePackage from '#marketplace/models/package'
import type MarketplacePublisher from '#marketplace/models/publisher'

/** A publisher marks its package deprecated (with a word for admins), or lifts it with null. False: not theirs. */
export async function deprecatePackage(publisher: MarketplacePublisher, packageId: string, message: string | null) {
  const updated = await MarketplacePackage.query().where('package_id', packageId).where('publisher_id', publisher.id).update({ deprecated: message })
  return Number(Array.isArray(updated) ? updated[0] : updated) > 0
}
