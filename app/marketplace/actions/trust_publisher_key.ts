import { createPublicKey } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import AuditLog from '#audit/audit_log'
import type Workspace from '#tenancy/models/workspace'
import MarketplaceTrustedKey from '#marketplace/models/trusted_key'
import { keyIdOf } from '#marketplace/package'
import { MarketplaceRefused } from '#marketplace/errors'
import MarketplaceInstallation from '#marketplace/models/installation'
import { installationChanged } from '#marketplace/loader'

/** Adds a publisher key to the organization of `workspace` (organization staff only, checked by the route). */
export async function trustPublisherKey(workspace: Workspace, publisher: string, publicKeyPem: string, actorId: number, ctx?: HttpContext) {
  let key
  try {
    key = createPublicKey(publicKeyPem)
  } catch {
    throw new MarketplaceRefused(422, 'invalid_key', 'This is not a PEM public key')
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new MarketplaceRefused(422, 'invalid_key', 'Publisher keys are Ed25519 keys')
  const keyId = keyIdOf(key)
  const trusted = await MarketplaceTrustedKey.updateOrCreate(
    { organizationId: workspace.organizationId, keyId },
    { publisher, publicKey: key.export({ type: 'spki', format: 'pem' }).toString() }
  )
  await AuditLog.recordIn(workspace, 'marketplace.key_trusted', actorId, { publisher, keyId }, ctx)
  return trusted
}

/** Stops trusting a key. */
export async function removePublisherKey(workspace: Workspace, id: number, actorId: number, ctx?: HttpContext) {
  const key = await MarketplaceTrustedKey.query().where('organization_id', workspace.organizationId).where('id', id).first()
  if (!key) return false
  await key.delete()
  // What this key signed stops now, in every workspace of the organization (quarantined on reload).
  const signed = await MarketplaceInstallation.ofOrganization(workspace.organizationId)
    .join('marketplace_package_versions as v', 'v.id', 'marketplace_installations.package_version_id')
    .where('v.key_id', key.keyId)
  for (const installation of signed) await installationChanged(installation.workspaceId, installation.packageId)
  await AuditLog.recordIn(workspace, 'marketplace.key_removed', actorId, { publisher: key.publisher, keyId: key.keyId }, ctx)
  return true
}
