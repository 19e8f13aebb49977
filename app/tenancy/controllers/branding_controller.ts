import { randomUUID } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import app from '@adonisjs/core/services/app'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import { errors } from '@vinejs/vine'
import Organization from '#tenancy/models/organization'
import AuditLog from '#audit/audit_log'
import { brandingValidator } from '#tenancy/validators/organization'
import { forgetBrandCache } from '#tenancy/brand'
import env from '#start/env'

const brandingDir = (organizationId: number) => app.makePath('storage/branding', String(organizationId))

async function store(file: MultipartFile | undefined, organizationId: number) {
  if (!file) return undefined
  const name = `${randomUUID()}.${file.extname}`
  await file.move(brandingDir(organizationId), { name })
  return name
}

/** Organization branding: product name, logo, favicon, colour, custom domain, 2FA policy. */
export default class BrandingController {
  async show({ view, tenant }: HttpContext) {
    const organization = await Organization.findOrFail(tenant.workspace.organizationId)
    return view.render('pages/workspace/branding', { organization })
  }

  async update(ctx: HttpContext) {
    const organization = await Organization.findOrFail(ctx.tenant.workspace.organizationId)
    const { logo, favicon, ...input } = await ctx.request.validateUsing(brandingValidator)
    if (input.customDomain) {
      const taken = await Organization.query()
        .where('custom_domain', input.customDomain)
        .whereNot('id', organization.id)
        .first()
      // The instance's own address can never become one organization's brand.
      const instanceHost = new URL(env.get('APP_URL', 'http://localhost:3333')).hostname
      if (taken || input.customDomain === instanceHost) {
        throw new errors.E_VALIDATION_ERROR([
          { field: 'customDomain', message: ctx.i18n.t('branding.domain_taken'), rule: 'unique' },
        ])
      }
    }
    organization.merge({
      productName: input.productName ?? null,
      primaryColor: input.primaryColor ?? null,
      customDomain: input.customDomain ?? null,
      mailFooter: input.mailFooter ?? null,
      requireTwoFactor: input.requireTwoFactor ?? false,
      logoPath: (await store(logo, organization.id)) ?? organization.logoPath,
      faviconPath: (await store(favicon, organization.id)) ?? organization.faviconPath,
    })
    await organization.save()
    forgetBrandCache()
    await AuditLog.record(
      {
        action: 'organization.updated',
        organizationId: organization.id,
        workspaceId: ctx.tenant.workspace.id,
        actorId: ctx.auth.user!.id,
        meta: { ...input, logo: !!logo, favicon: !!favicon },
      },
      ctx
    )
    ctx.session.flash('success', ctx.i18n.t('settings.saved'))
    return ctx.response.redirect().toRoute('workspace.branding.show', { workspace: ctx.tenant.workspace.slug })
  }

  /** Public: logos and favicons must load on the login page of a branded domain. */
  async asset({ params, response }: HttpContext) {
    if (!/^\d+$/.test(params.organization) || !/^[\w-]+\.(png|jpe?g|svg|webp|ico)$/.test(params.file)) {
      return response.notFound()
    }
    response.header('Cache-Control', 'public, max-age=86400')
    if (params.file.endsWith('.svg')) response.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
    return response.download(`${brandingDir(Number(params.organization))}/${params.file}`)
  }
}
