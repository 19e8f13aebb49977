import type { HttpContext } from '@adonisjs/core/http'
import AuditLog from '#audit/audit_log'
import type Workspace from '#tenancy/models/workspace'
import type MarketplaceInstallation from '#marketplace/models/installation'
import { installationChanged } from '#marketplace/loader'

/**
 * Saves an installation's settings (the whole form: a field left out is false or empty) and/or secrets (stored
 * encrypted; a name left empty keeps its value), then reloads it everywhere. The audit entry names
 * the secrets changed, never their values.
 */
export async function saveInstallationSettings(
  workspace: Workspace,
  installation: MarketplaceInstallation,
  changes: { settings?: Record<string, unknown>; secrets?: Record<string, string | undefined | null> },
  actorId: number | null,
  ctx?: HttpContext
) {
  await installation.load('packageVersion')
  const declared = installation.packageVersion.manifest.settings ?? []
  if (changes.settings) {
    installation.settings = Object.fromEntries(
      declared.map((setting) => [setting.key, changes.settings![setting.key] ?? (setting.type === 'boolean' ? false : null)])
    )
  }
  const secretsChanged = Object.entries(changes.secrets ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
  if (secretsChanged.length) installation.setSecretValues({ ...installation.secretValues(), ...Object.fromEntries(secretsChanged) })
  installation.changedById = actorId
  await installation.save()
  await AuditLog.recordIn(workspace, 'marketplace.settings_changed', actorId, { package: installation.packageId, secrets: secretsChanged.map(([name]) => name) }, ctx)
  await installationChanged(workspace.id, installation.packageId)
}
