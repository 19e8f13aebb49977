import type { HttpContext } from '@adonisjs/core/http'
import { findInCatalogue, searchCatalogue } from '#marketplace/catalogue'
import { consentLines } from '#marketplace/consent'
import { marketplace } from '#marketplace/runtime'
import MarketplaceInstallation from '#marketplace/models/installation'
import { installPackage } from '#marketplace/actions/install_package'
import { uninstallPackage } from '#marketplace/actions/uninstall_package'
import { setInstallationStatus } from '#marketplace/actions/set_installation_status'
import { saveInstallationSettings } from '#marketplace/actions/save_installation_settings'
import { browseValidator, installValidator, secretsValidator, settingsValidator, statusValidator, uninstallValidator } from '#marketplace/validators/marketplace'
import { installationOr404, refusalResponse } from '#marketplace/controllers/helpers'

const serialize = (installation: MarketplaceInstallation) => ({
  package: installation.packageId,
  version: installation.version,
  status: installation.status,
  grants: installation.grants,
  settings: installation.settings,
  // Names only: secrets are write-only.
  secrets: Object.keys(installation.secretValues()),
  faults: installation.faults,
  lastFault: installation.lastFault,
  installedAt: installation.createdAt.toISO(),
})

/** /api/v1/marketplace: the install flow for operators' automation (token ability marketplace.manage). */
export default class ApiMarketplaceController {
  async packages(ctx: HttpContext) {
    const filters = await browseValidator.validate(ctx.request.qs())
    const packages = (await searchCatalogue(filters)).filter((pkg) => !pkg.blocked)
    return {
      data: packages.map((pkg) => ({
        id: pkg.id,
        name: pkg.latest!.manifest.name,
        description: pkg.latest!.manifest.description,
        category: pkg.latest!.manifest.category,
        publisher: pkg.publisher,
        version: pkg.latest!.version,
        deprecated: pkg.deprecated,
      })),
    }
  }

  async package(ctx: HttpContext) {
    const pkg = await findInCatalogue(String(ctx.params.package))
    if (!pkg?.latest || pkg.blocked) return ctx.response.notFound({ errors: [{ message: 'No such package' }] })
    return {
      data: {
        id: pkg.id,
        publisher: pkg.publisher,
        deprecated: pkg.deprecated,
        manifest: pkg.latest.manifest,
        capabilities: consentLines(pkg.latest.manifest).map((line) => line.text),
        versions: pkg.versions.map(({ version, yanked, keyId, sha256 }) => ({ version, yanked, keyId, sha256 })),
      },
    }
  }

  async installations(ctx: HttpContext) {
    const rows = await MarketplaceInstallation.query().where('workspace_id', ctx.tenant.workspace.id).orderBy('package_id')
    return { data: rows.map(serialize) }
  }

  async installation(ctx: HttpContext) {
    const installation = await installationOr404(ctx)
    return { data: { ...serialize(installation), runtime: marketplace.state(installation.packageId, installation.workspaceId) ?? null } }
  }

  /** Installs or upgrades `:package`; `consent: true` stands for the consent screen. */
  async install(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(installValidator)
    try {
      const { installation } = await installPackage({
        workspace: ctx.tenant.workspace,
        packageId: String(ctx.params.package),
        version: input.version,
        consent: input.consent ?? false,
        actorId: ctx.auth.use('api').user!.id,
        ctx,
      })
      return ctx.response.status(installation.status === 'quarantined' ? 422 : 200).send({ data: serialize(installation) })
    } catch (error) {
      return refusalResponse(ctx, error)
    }
  }

  async updateSettings(ctx: HttpContext) {
    const installation = await installationOr404(ctx)
    const { manifest } = installation.packageVersion
    const settings = await settingsValidator(manifest).validate(ctx.request.input('settings', {}))
    const secrets = await secretsValidator(manifest).validate(ctx.request.input('secrets', {}))
    // The API changes the settings it names and keeps the others (the page's form sends them all).
    const changes = { settings: ctx.request.input('settings') ? { ...installation.settings, ...settings } : undefined, secrets }
    await saveInstallationSettings(ctx.tenant.workspace, installation, changes, ctx.auth.use('api').user!.id, ctx)
    return { data: serialize(installation) }
  }

  async updateStatus(ctx: HttpContext) {
    const { enabled } = await ctx.request.validateUsing(statusValidator)
    const installation = await installationOr404(ctx)
    await setInstallationStatus(ctx.tenant.workspace, installation, enabled, ctx.auth.use('api').user!.id, ctx)
    return { data: serialize(installation) }
  }

  async uninstall(ctx: HttpContext) {
    const { deleteData } = await uninstallValidator.validate(ctx.request.qs())
    const installation = await installationOr404(ctx)
    await uninstallPackage(ctx.tenant.workspace, installation.packageId, deleteData ?? false, ctx.auth.use('api').user!.id, ctx)
    return ctx.response.noContent()
  }
}
