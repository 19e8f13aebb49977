import semver from 'semver'
import type { HttpContext } from '@adonisjs/core/http'
import { findInCatalogue, searchCatalogue } from '#marketplace/catalogue'
import { capabilityDiff, consentLines } from '#marketplace/consent'
import { renderReadme } from '#marketplace/readme'
import { marketplace } from '#marketplace/runtime'
import MarketplaceInstallation from '#marketplace/models/installation'
import MarketplaceTrustedKey from '#marketplace/models/trusted_key'
import { keyIdOf } from '#marketplace/package'
import { MarketplaceRefused } from '#marketplace/errors'
import { installPackage } from '#marketplace/actions/install_package'
import { uninstallPackage } from '#marketplace/actions/uninstall_package'
import { setInstallationStatus } from '#marketplace/actions/set_installation_status'
import { saveInstallationSettings } from '#marketplace/actions/save_installation_settings'
import { browseValidator, installValidator, secretsValidator, settingsValidator, uninstallValidator } from '#marketplace/validators/marketplace'
import { CATEGORIES } from '#marketplace/manifest'
import { installationOr404 } from '#marketplace/controllers/helpers'

/**
 * The marketplace of a workspace (workspace admins): browse, read a package, consent and install,
 * then configure, enable, disable or uninstall what is installed here.
 */
export default class MarketplaceController {
  async index(ctx: HttpContext) {
    const filters = await browseValidator.validate(ctx.request.qs())
    const installed = await MarketplaceInstallation.query().where('workspace_id', ctx.tenant.workspace.id)
    const versions = new Map(installed.map((row) => [row.packageId, row]))
    const packages = (await searchCatalogue(filters)).filter((pkg) => !pkg.blocked || versions.has(pkg.id))
    return ctx.view.render('pages/workspace/marketplace/index', { packages, installed: versions, filters, categories: CATEGORIES })
  }

  async show(ctx: HttpContext) {
    const pkg = await this.#package(ctx)
    const installation = await MarketplaceInstallation.query().where('workspace_id', ctx.tenant.workspace.id).where('package_id', pkg.id).preload('packageVersion').first()
    const trusted = new Set((await MarketplaceTrustedKey.of(ctx.tenant.workspace.organizationId)).map((key) => keyIdOf(key.publicKey)))
    const latest = pkg.latest!
    return ctx.view.render('pages/workspace/marketplace/show', {
      pkg,
      latest,
      readme: renderReadme(latest.readme ?? ''),
      lines: consentLines(latest.manifest),
      trusted: trusted.has(latest.keyId),
      installation,
    })
  }

  /** The installation's script's numbers from every process (the page loads them by HTMX, so the page itself waits on no runner). */
  async metrics(ctx: HttpContext) {
    const installation = await installationOr404(ctx)
    const metrics = await marketplace.metrics(installation.packageId, ctx.tenant.workspace.id)
    return ctx.view.render('partials/marketplace/metrics', { metrics: metrics ?? null })
  }

  /** The consent screen: every permission in plain words; on an upgrade, what changes. */
  async consent(ctx: HttpContext) {
    const pkg = await this.#package(ctx)
    const { version } = await installValidator.validate(ctx.request.qs())
    const wanted = (version ? pkg.versions.find((candidate) => candidate.version === version && !candidate.yanked) : pkg.latest) ?? ctx.response.abort({ errors: [{ message: 'No such version' }] }, 404)
    const installation = await MarketplaceInstallation.query().where('workspace_id', ctx.tenant.workspace.id).where('package_id', pkg.id).preload('packageVersion').first()
    // Nothing to agree to for the installed version or an older one (installing them is refused): back to the package.
    if (installation && !semver.gt(wanted.version, installation.version)) {
      const key = wanted.version === installation.version ? 'marketplace.already_installed' : 'marketplace.no_downgrade'
      ctx.session.flash('info', ctx.i18n.t(key, { version: wanted.version, installed: installation.version }))
      return this.#toPackage(ctx, pkg.id)
    }
    const diff = installation ? capabilityDiff(installation.packageVersion.manifest, wanted.manifest) : null
    return ctx.view.render('pages/workspace/marketplace/consent', { pkg, wanted, lines: consentLines(wanted.manifest), installation, diff })
  }

  async install(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(installValidator)
    const packageId = String(ctx.params.package)
    try {
      const { installation } = await installPackage({ workspace: ctx.tenant.workspace, packageId, version: input.version, consent: input.consent ?? false, actorId: ctx.auth.user!.id, ctx })
      if (installation.status === 'quarantined') ctx.session.flash('error', ctx.i18n.t('marketplace.quarantined', { reason: installation.lastFault ?? '' }))
      else ctx.session.flash('success', ctx.i18n.t('marketplace.installed', { name: packageId, version: installation.version }))
    } catch (error) {
      if (!(error instanceof MarketplaceRefused)) throw error
      ctx.session.flash('error', error.message)
    }
    return this.#toPackage(ctx, packageId)
  }

  async updateSettings(ctx: HttpContext) {
    return this.#save(ctx, 'settings')
  }

  async updateSecrets(ctx: HttpContext) {
    return this.#save(ctx, 'secrets')
  }

  /** The settings form or the (write-only) secrets form, each validated against the manifest. */
  async #save(ctx: HttpContext, part: 'settings' | 'secrets') {
    const installation = await installationOr404(ctx)
    const validator = (part === 'settings' ? settingsValidator : secretsValidator)(installation.packageVersion.manifest)
    const values = await ctx.request.validateUsing(validator)
    await saveInstallationSettings(ctx.tenant.workspace, installation, { [part]: values }, ctx.auth.user!.id, ctx)
    ctx.session.flash('success', ctx.i18n.t('settings.saved'))
    return this.#toPackage(ctx, installation.packageId)
  }

  async enable(ctx: HttpContext) {
    return this.#setStatus(ctx, true)
  }

  async disable(ctx: HttpContext) {
    return this.#setStatus(ctx, false)
  }

  async destroy(ctx: HttpContext) {
    const { deleteData } = await ctx.request.validateUsing(uninstallValidator)
    const installation = await installationOr404(ctx)
    await uninstallPackage(ctx.tenant.workspace, installation.packageId, deleteData ?? false, ctx.auth.user!.id, ctx)
    ctx.session.flash('success', ctx.i18n.t('marketplace.uninstalled', { name: installation.packageId }))
    return ctx.response.redirect().toRoute('workspace.marketplace.index', { workspace: ctx.tenant.workspace.slug })
  }

  async #setStatus(ctx: HttpContext, enabled: boolean) {
    const installation = await installationOr404(ctx)
    const outcome = await setInstallationStatus(ctx.tenant.workspace, installation, enabled, ctx.auth.user!.id, ctx)
    if (outcome === 'quarantined') ctx.session.flash('error', ctx.i18n.t('marketplace.quarantined', { reason: installation.lastFault ?? '' }))
    else ctx.session.flash('success', ctx.i18n.t(enabled ? 'marketplace.enabled' : 'marketplace.disabled', { name: installation.packageId }))
    return this.#toPackage(ctx, installation.packageId)
  }

  /** The package in the URL, when a registry read here lists it with an installable version (blocked ones only for whoever has it). */
  async #package(ctx: HttpContext) {
    const pkg = await findInCatalogue(String(ctx.params.package))
    const installed = pkg && (await MarketplaceInstallation.query().where('workspace_id', ctx.tenant.workspace.id).where('package_id', pkg.id).first())
    if (!pkg?.latest || (pkg.blocked && !installed)) return ctx.response.abort({ errors: [{ message: 'No such package' }] }, 404)
    return pkg
  }

  #toPackage(ctx: HttpContext, packageId: string) {
    return ctx.response.redirect().toRoute('workspace.marketplace.show', { workspace: ctx.tenant.workspace.slug, package: packageId })
  }
}
