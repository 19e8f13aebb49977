/**
 * Installed packages from the database into this process's runtime. Every load re-checks the
 * stored archive: its SHA-256 against the one recorded when it was stored, then verifyPackage
 * (signature by a key the organization trusts, every file's hash, engine range). A refusal never
 * loads the script: the installation is marked quarantined with the reason. It runs under its
 * organization's per-call limits (organizations.marketplace_limits; none set: the defaults).
 *
 * Changes made by one process (install, settings, disable, block) are published on Redis; every
 * web and worker process reloads that one installation.
 */
import { createHash } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import redis from '@adonisjs/redis/services/main'
import { marketplace, type InstallState } from '#marketplace/runtime'
import { PackageRefused, verifyPackage } from '#marketplace/package'
import { marketplaceConfig } from '#config/marketplace'
import { pubsubChannel } from '#core/pubsub'
import MarketplaceInstallation from '#marketplace/models/installation'
import MarketplacePackage from '#marketplace/models/package'
import MarketplaceTrustedKey from '#marketplace/models/trusted_key'
import Workspace from '#tenancy/models/workspace'

const CHANGED_CHANNEL = pubsubChannel('marketplace.installation_changed')

export const engineVersion = () => app.version?.toString() ?? '0.1.0'

export type LoadOutcome = 'loaded' | 'stopped' | 'quarantined'

/** Loads (or stops) one installation in this process, as its row and the package's block say. */
export async function loadInstallation(installation: MarketplaceInstallation): Promise<LoadOutcome> {
  const { workspaceId, packageId } = installation
  const blocked = await MarketplacePackage.query().where('package_id', packageId).whereNotNull('blocked_at').first()
  if (blocked || installation.status === 'disabled' || installation.status === 'quarantined') {
    marketplace.uninstall(packageId, workspaceId)
    return 'stopped'
  }
  await installation.load('packageVersion')
  const stored = installation.packageVersion
  const workspace = await Workspace.query().where('id', workspaceId).preload('organization').firstOrFail()
  try {
    if (createHash('sha256').update(stored.archive).digest('hex') !== stored.sha256) {
      throw new PackageRefused('tampered', 'The stored archive does not match the SHA-256 recorded when it was stored')
    }
    const pkg = await verifyPackage(stored.archive, await MarketplaceTrustedKey.of(workspace.organizationId), { engineVersion: engineVersion() })
    if (pkg.manifest.id !== packageId || pkg.manifest.version !== installation.version) {
      throw new PackageRefused('tampered', `The stored archive is ${pkg.manifest.id}@${pkg.manifest.version}, not ${packageId}@${installation.version}`)
    }
    marketplace.install({
      workspaceId,
      pkg,
      grants: installation.grants,
      settings: installation.settings,
      secrets: installation.secretValues(),
      allowInternalHosts: marketplaceConfig.allowInternalHosts,
      limits: workspace.organization.marketplaceLimits ?? undefined,
    })
    return 'loaded'
  } catch (error) {
    const reason = error instanceof PackageRefused ? `${error.reason}: ${error.message}` : String((error as Error).message ?? error)
    marketplace.uninstall(packageId, workspaceId)
    installation.merge({ status: 'quarantined', lastFault: reason })
    await installation.save()
    logger.warn({ workspaceId, packageId, reason }, 'marketplace: installation quarantined on load')
    return 'quarantined'
  }
}

/** Reloads what the database says for (workspace, package): gone → stopped. */
export async function reloadInstallation(workspaceId: number, packageId: string) {
  const installation = await MarketplaceInstallation.query().where('workspace_id', workspaceId).where('package_id', packageId).first()
  if (!installation) {
    marketplace.uninstall(packageId, workspaceId)
    return 'stopped' as const
  }
  return loadInstallation(installation)
}

/** Every running installation, at boot of a web or worker process. */
export async function loadAllInstallations() {
  const rows = await MarketplaceInstallation.query().whereIn('status', ['active', 'failing']).orderBy('id')
  for (const row of rows) await loadInstallation(row)
  return rows.length
}

/** Reloads here and tells the other processes to reload too. */
export async function installationChanged(workspaceId: number, packageId: string) {
  const outcome = await reloadInstallation(workspaceId, packageId)
  await redis.publish(CHANGED_CHANNEL, JSON.stringify({ workspaceId, packageId, from: process.pid }))
  return outcome
}

/**
 * The runtime disabled an installation after too many faults (runtime.ts's window): the row says
 * so, with the last fault, so that it stays off after a restart and in every process until an
 * admin enables it again.
 */
export async function recordDisabled(workspaceId: number, packageId: string, state: InstallState) {
  const lastFault = state.lastFault ? `${state.lastFault.kind}: ${state.lastFault.message}`.slice(0, 500) : null
  await MarketplaceInstallation.query()
    .where('workspace_id', workspaceId)
    .where('package_id', packageId)
    .where('status', '<>', 'quarantined')
    .update({ status: 'disabled', faults: state.faults, last_fault: lastFault, updated_at: new Date() })
  await installationChanged(workspaceId, packageId)
}

let listening = false
export async function listenForInstallationChanges() {
  if (listening) return
  listening = true
  await redis.subscribe(CHANGED_CHANNEL, (message) => {
    const { workspaceId, packageId, from } = JSON.parse(message) as { workspaceId: number; packageId: string; from: number }
    if (from === process.pid) return
    reloadInstallation(workspaceId, packageId).catch((error) => logger.error({ err: error, workspaceId, packageId }, 'marketplace: reload failed'))
  })
}

/** At boot of a web or worker process: loads every running installation and listens for changes. A failure is logged, never fatal. */
export async function startMarketplace(log: { error(message: string): void } = logger) {
  try {
    await listenForInstallationChanges()
    await loadAllInstallations()
  } catch (error) {
    log.error(`marketplace: installations not loaded: ${(error as Error).message}`)
  }
}
