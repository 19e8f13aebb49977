/**
 * The registry side: this instance's index (what its publishers uploaded) and the catalogue a
 * workspace browses, which is this index plus those of the registries the operator configured
 * (MARKETPLACE_REGISTRIES). An index lists, per package, every version with the archive's SHA-256,
 * the signature, the signing key's id, yanked/deprecated/blocked flags and where to download it
 * (relative to the registry's base URL). Installing from another registry stores the archive here
 * once its SHA-256 matches the index; the signature is checked against the organization's keys.
 */
import { createHash } from 'node:crypto'
import MarketplacePackageVersion, { LOCAL_REGISTRY } from '#marketplace/models/package_version'
import MarketplacePackage from '#marketplace/models/package'
import MarketplacePublisher from '#marketplace/models/publisher'
import MarketplaceInstallation from '#marketplace/models/installation'
import type { Manifest } from '#marketplace/manifest'
import { marketplaceConfig } from '#config/marketplace'

export interface IndexVersion {
  version: string
  sha256: string
  signature: string
  keyId: string
  yanked: boolean
  url: string
  manifest: Manifest
  readme: string | null
  publishedAt: string
}

export interface IndexPackage {
  id: string
  publisher: string | null
  deprecated: string | null
  blocked: boolean
  versions: IndexVersion[]
}

export interface RegistryIndex {
  format: 1
  packages: IndexPackage[]
}

/** A package as a workspace sees it: where it comes from, and its latest installable version. */
export interface CataloguePackage extends IndexPackage {
  registry: string
  latest: IndexVersion | null
}

const REMOTE_TTL_MS = 60_000
const remoteCache = new Map<string, { at: number; index: RegistryIndex }>()

/** This instance's registry index (GET /marketplace/index.json). */
export async function localIndex(): Promise<RegistryIndex> {
  const packages = await MarketplacePackage.query().orderBy('package_id')
  const versions = await MarketplacePackageVersion.query().where('registry', LOCAL_REGISTRY).orderBy('id')
  const publishers = await MarketplacePublisher.query()
  const publisherName = new Map(publishers.map((publisher) => [publisher.id, publisher.name]))
  return {
    format: 1,
    packages: packages.map((pkg) => ({
      id: pkg.packageId,
      publisher: pkg.publisherId ? (publisherName.get(pkg.publisherId) ?? null) : null,
      deprecated: pkg.deprecated,
      blocked: pkg.blockedAt !== null,
      versions: versions
        .filter((version) => version.packageId === pkg.packageId)
        .map((version) => ({
          version: version.version,
          sha256: version.sha256,
          signature: version.signature,
          keyId: version.keyId,
          yanked: version.yankedAt !== null,
          url: `packages/${encodeURIComponent(version.packageId)}/${encodeURIComponent(version.version)}.tgz`,
          manifest: version.manifest,
          readme: version.readme,
          publishedAt: version.createdAt.toISO()!,
        })),
    })),
  }
}

async function remoteIndex(registry: string): Promise<RegistryIndex> {
  const cached = remoteCache.get(registry)
  if (cached && Date.now() - cached.at < REMOTE_TTL_MS) return cached.index
  try {
    const response = await fetch(`${registry}/index.json`, { signal: AbortSignal.timeout(5000) })
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    const index = (await response.json()) as RegistryIndex
    if (!Array.isArray(index?.packages)) throw new Error('not a registry index')
    remoteCache.set(registry, { at: Date.now(), index })
    return index
  } catch {
    // An unreachable registry hides its packages; the others still show.
    return { format: 1, packages: [] }
  }
}

/** Forgets the fetched indexes (tests; after the operator changes registries). */
export function forgetRemoteIndexes() {
  remoteCache.clear()
}

function newestInstallable(versions: IndexVersion[]) {
  return versions.filter((version) => !version.yanked).at(-1) ?? null
}

/** Every package of every registry read here; this instance's own first, a package id listed once. */
export async function catalogue(): Promise<CataloguePackage[]> {
  const sources: Array<[string, RegistryIndex]> = [[LOCAL_REGISTRY, await localIndex()]]
  for (const registry of marketplaceConfig.registries) sources.push([registry, await remoteIndex(registry)])
  const seen = new Set<string>()
  const result: CataloguePackage[] = []
  for (const [registry, index] of sources) {
    for (const pkg of index.packages) {
      if (seen.has(pkg.id)) continue
      seen.add(pkg.id)
      result.push({ ...pkg, registry, latest: newestInstallable(pkg.versions) })
    }
  }
  return result
}

/** Packages with an installable version, by words of the id, name or description (all of them) and exact category. */
export async function searchCatalogue({ q, category }: { q?: string; category?: string }) {
  const words = (q ?? '').toLowerCase().split(/\s+/).filter(Boolean)
  return (await catalogue()).filter((pkg) => {
    if (!pkg.latest) return false
    const { manifest } = pkg.latest
    const text = `${pkg.id} ${manifest.name} ${manifest.description}`.toLowerCase()
    return (!category || manifest.category === category) && words.every((word) => text.includes(word))
  })
}

export async function findInCatalogue(packageId: string) {
  return (await catalogue()).find((pkg) => pkg.id === packageId) ?? null
}

/** A row of the operator's page: a package of any registry read here, with this instance's block and its installations. */
export interface OperatedPackage {
  id: string
  name: string | null
  publisher: string | null
  registry: string
  latest: string | null
  blocked: { at: Date; reason: string | null } | null
  installations: number
}

/** Every package the catalogue lists, by id, with the block this instance's operator set (rows kept for blocked packages with no version here too). */
export async function operatedPackages(): Promise<OperatedPackage[]> {
  const [packages, rows, counts] = await Promise.all([
    catalogue(),
    MarketplacePackage.query().whereNotNull('blocked_at'),
    MarketplaceInstallation.query().select('package_id').count('* as n').groupBy('package_id'),
  ])
  const blocks = new Map(rows.map((row) => [row.packageId, { at: row.blockedAt!.toJSDate(), reason: row.blockedReason }]))
  const installed = new Map(counts.map((row) => [row.packageId, Number(row.$extras.n)]))
  return packages
    .map((pkg) => {
      const newest = pkg.versions.at(-1)
      return {
        id: pkg.id,
        name: newest?.manifest.name ?? null,
        publisher: pkg.publisher,
        registry: pkg.registry,
        latest: pkg.latest?.version ?? null,
        blocked: blocks.get(pkg.id) ?? null,
        installations: installed.get(pkg.id) ?? 0,
      }
    })
    .sort((a, b) => a.id.localeCompare(b.id))
}

export class ArchiveUnavailable extends Error {}

/** The stored archive of `version`, fetched from its registry (and its SHA-256 checked) when not stored yet. */
export async function storedVersion(pkg: CataloguePackage, version: IndexVersion) {
  const existing = await MarketplacePackageVersion.query().where('package_id', pkg.id).where('version', version.version).where('registry', pkg.registry).first()
  if (existing) return existing
  if (pkg.registry === LOCAL_REGISTRY) throw new ArchiveUnavailable(`${pkg.id}@${version.version} is not stored here`)
  const response = await fetch(new URL(version.url, `${pkg.registry}/`), { signal: AbortSignal.timeout(15_000) })
  if (!response.ok) throw new ArchiveUnavailable(`The registry answered ${response.status} for ${pkg.id}@${version.version}`)
  const archive = Buffer.from(await response.arrayBuffer())
  if (createHash('sha256').update(archive).digest('hex') !== version.sha256) {
    throw new ArchiveUnavailable(`The archive downloaded for ${pkg.id}@${version.version} does not match the index's SHA-256`)
  }
  return MarketplacePackageVersion.create({
    packageId: pkg.id,
    version: version.version,
    registry: pkg.registry,
    archive,
    sha256: version.sha256,
    signature: version.signature,
    keyId: version.keyId,
    manifest: version.manifest,
    readme: version.readme,
  })
}
