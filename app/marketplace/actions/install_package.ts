import type { HttpContext } from '@adonisjs/core/http'
import AuditLog from '#audit/audit_log'
import type Workspace from '#tenancy/models/workspace'
import MarketplaceInstallation from '#marketplace/models/installation'
import MarketplaceTrustedKey from '#marketplace/models/trusted_key'
import { findInCatalogue, storedVersion, ArchiveUnavailable } from '#marketplace/catalogue'
import { capabilityDiff, grantsFor } from '#marketplace/consent'
import { PackageRefused, verifyPackage } from '#marketplace/package'
import { engineVersion, installationChanged } from '#marketplace/loader'
import { marketplace } from '#marketplace/runtime'
import { ConsentRequired, MarketplaceRefused } from '#marketplace/errors'
import type { Manifest } from '#marketplace/manifest'

interface InstallInput {
  workspace: Workspace
  packageId: string
  /** Default: the newest version not yanked. */
  version?: string
  /** The admin saw the consent screen (or, on an upgrade, its diff) and agreed. */
  consent: boolean
  actorId: number | null
  ctx?: HttpContext
}

/** Settings defaults from the manifest, with the values already saved for keys it still declares. */
function settingsFor(manifest: Manifest, saved: Record<string, unknown>) {
  return Object.fromEntries((manifest.settings ?? []).map((setting) => [setting.key, setting.key in saved ? saved[setting.key] : (setting.default ?? null)]))
}

/**
 * Installs a package in one workspace, or upgrades it there. Refused: a blocked package, a yanked
 * version, no consent (on an upgrade: only when the new version widens what it may do), and any
 * archive that does not verify against the organization's trusted keys (or is a downgrade).
 */
export async function installPackage({ workspace, packageId, version, consent, actorId, ctx }: InstallInput) {
  const pkg = await findInCatalogue(packageId)
  if (!pkg) throw new MarketplaceRefused(404, 'not_found', 'No such package')
  if (pkg.blocked) throw new MarketplaceRefused(403, 'blocked', 'The operator blocked this package')
  const wanted = version ? pkg.versions.find((candidate) => candidate.version === version) : pkg.latest
  if (!wanted) throw new MarketplaceRefused(404, 'not_found', 'No such version')
  if (wanted.yanked) throw new MarketplaceRefused(422, 'yanked', 'Its publisher withdrew this version')

  const existing = await MarketplaceInstallation.query().where('workspace_id', workspace.id).where('package_id', packageId).preload('packageVersion').first()
  if (existing?.version === wanted.version) throw new MarketplaceRefused(409, 'installed', `Version ${wanted.version} is installed already`)
  if (existing) {
    const diff = capabilityDiff(existing.packageVersion.manifest, wanted.manifest)
    if (diff.widens && !consent) throw new ConsentRequired(diff.added, diff.removed)
  } else if (!consent) {
    throw new MarketplaceRefused(422, 'consent_required', 'Installing needs the admin’s consent to what the package may do')
  }

  let stored
  let verified
  try {
    stored = await storedVersion(pkg, wanted)
    verified = await verifyPackage(stored.archive, await MarketplaceTrustedKey.of(workspace.organizationId), {
      engineVersion: engineVersion(),
      installedVersion: existing?.version,
    })
  } catch (error) {
    if (error instanceof PackageRefused) throw new MarketplaceRefused(422, error.reason, error.message)
    if (error instanceof ArchiveUnavailable) throw new MarketplaceRefused(422, 'unavailable', error.message)
    throw error
  }
  if (verified.manifest.id !== packageId || verified.manifest.version !== wanted.version) {
    throw new MarketplaceRefused(422, 'tampered', 'The archive is not the package and version the index lists')
  }

  const installation = existing ?? new MarketplaceInstallation()
  const from = existing?.version ?? null
  installation.merge({
    workspaceId: workspace.id,
    packageId,
    version: wanted.version,
    packageVersionId: stored.id,
    grants: grantsFor(verified.manifest),
    settings: settingsFor(verified.manifest, existing?.settings ?? {}),
    // A disabled installation stays disabled across an upgrade; anything else starts afresh.
    status: existing?.status === 'disabled' ? 'disabled' : 'active',
    faults: 0,
    lastFault: null,
    changedById: actorId,
  })
  if (!existing) installation.setSecretValues({})
  await installation.save()
  // A new installation starts with no numbers (an earlier one's, uninstalled, are gone too).
  if (!existing) await marketplace.gathered.reset(packageId, workspace.id)
  await AuditLog.recordIn(workspace, from ? 'marketplace.upgraded' : 'marketplace.installed', actorId, { package: packageId, version: wanted.version, from }, ctx)
  const outcome = await installationChanged(workspace.id, packageId)
  await installation.refresh()
  return { installation, outcome }
}
