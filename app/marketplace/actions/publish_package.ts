import { createHash } from 'node:crypto'
import semver from 'semver'
import db from '@adonisjs/lucid/services/db'
import MarketplacePackage from '#marketplace/models/package'
import MarketplacePackageVersion, { LOCAL_REGISTRY } from '#marketplace/models/package_version'
import type MarketplacePublisher from '#marketplace/models/publisher'
import { PackageRefused, SIGNATURE_FILE, verifyPackage } from '#marketplace/package'
import { MarketplaceRefused } from '#marketplace/errors'

/**
 * Stores a signed package in this instance's registry. It must verify against the publisher's own
 * key; a package id belongs to whoever published it first; versions only go up; a blocked package
 * takes no new versions.
 */
export async function publishPackage(publisher: MarketplacePublisher, archive: Buffer) {
  let verified
  try {
    verified = await verifyPackage(archive, [{ publisher: publisher.name, publicKey: publisher.publicKey }])
  } catch (error) {
    if (error instanceof PackageRefused) throw new MarketplaceRefused(422, error.reason, error.message)
    throw error
  }
  const { manifest } = verified
  return db.transaction(async (trx) => {
    const pkg =
      (await MarketplacePackage.query({ client: trx }).where('package_id', manifest.id).forUpdate().first()) ??
      (await MarketplacePackage.create({ packageId: manifest.id, publisherId: publisher.id }, { client: trx }))
    if (pkg.publisherId !== publisher.id) throw new MarketplaceRefused(403, 'not_owner', `${manifest.id} belongs to another publisher`)
    if (pkg.blockedAt) throw new MarketplaceRefused(403, 'blocked', `The operator blocked ${manifest.id}`)
    const versions = await MarketplacePackageVersion.query({ client: trx }).where('package_id', manifest.id).where('registry', LOCAL_REGISTRY).select('version')
    if (versions.some((row) => row.version === manifest.version)) throw new MarketplaceRefused(409, 'exists', `${manifest.id}@${manifest.version} is published already`)
    const newest = versions.map((row) => row.version).sort(semver.compare).at(-1)
    if (newest && semver.lt(manifest.version, newest)) throw new MarketplaceRefused(409, 'downgrade', `${manifest.version} is older than the published ${newest}`)
    const signature = JSON.parse(verified.files.get(SIGNATURE_FILE)!.toString('utf8')).signature as string
    return MarketplacePackageVersion.create(
      {
        packageId: manifest.id,
        version: manifest.version,
        registry: LOCAL_REGISTRY,
        archive,
        sha256: createHash('sha256').update(archive).digest('hex'),
        signature,
        keyId: verified.keyId,
        manifest,
        readme: verified.files.get('README.md')?.toString('utf8') ?? null,
      },
      { client: trx }
    )
  })
}
