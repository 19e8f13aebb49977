import type { HttpContext } from '@adonisjs/core/http'
import { wantsFragment } from '#ui/htmx'
import drive from '@adonisjs/drive/services/main'
import { errors } from '@vinejs/vine'
import { getCountries } from 'libphonenumber-js'
import ContactImport, { type ImportOptions } from '#crm/models/contact_import'
import Tag from '#crm/models/tag'
import Field from '#crm/models/field'
import { uploadImport } from '#crm/actions/upload_import'
import { queueImport } from '#crm/actions/queue_transfer'
import { ImportFileError } from '#crm/services/import_file'
import { previewImport } from '#crm/services/import_preview'
import { transfersChannel } from '#crm/services/transfer_progress'
import { importOptionsValidator, uploadImportValidator } from '#crm/validators/transfer'
import { labelled } from '#crm/controllers/context'

/** Contact imports (crm.import): upload, map the columns, start, watch, download the report. */
export default class ImportsController {
  /** The upload form and the workspace's past imports. */
  async index(ctx: HttpContext) {
    const page = Math.max(1, Number(ctx.request.input('page')) || 1)
    const imports = await ContactImport.query().where('workspace_id', ctx.tenant.workspace.id).orderBy('id', 'desc').paginate(page, 20)
    imports.baseUrl(ctx.request.url())
    return ctx.view.render('crm::pages/imports/index', { imports })
  }

  /** POST /imports: keeps the file when it can be read, else a 422 on `file` saying why. */
  async store(ctx: HttpContext) {
    const { file } = await ctx.request.validateUsing(uploadImportValidator, { messagesProvider: labelled(ctx) })
    const workspaceId = ctx.tenant.workspace.id
    const last = await ContactImport.query().where('workspace_id', workspaceId).whereNot('status', 'draft').orderBy('id', 'desc').first()
    try {
      const contactImport = await uploadImport(workspaceId, ctx.auth.user!.id, file, last?.options.country ?? null)
      return ctx.response.redirect().toRoute('crm.imports.show', { workspace: ctx.tenant.workspace.slug, id: contactImport.id })
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error
      throw new errors.E_VALIDATION_ERROR([{ field: 'file', rule: error.code, message: ctx.i18n.t(`crm.import.errors.${error.code}`, error.params) }])
    }
  }

  /** A draft: the mapping screen with its preview; otherwise the progress (live) and the result. */
  async show(ctx: HttpContext) {
    const contactImport = await ContactImport.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    if (contactImport.status !== 'draft') {
      return ctx.view.render(wantsFragment(ctx) ? 'crm::partials/import_result' : 'crm::pages/imports/show', { contactImport, channel: transfersChannel(contactImport.workspaceId) })
    }
    const preview = await previewImport(contactImport, contactImport.options, ctx.i18n)
    const tags = await Tag.ofWorkspace(ctx.tenant.workspace.id)
    return ctx.view.render('crm::pages/imports/mapping', { contactImport, options: contactImport.options, preview, tags, countries: getCountries() })
  }

  /** POST /imports/:id/preview (HTMX): the preview again with the options on the screen, nothing saved. */
  async preview(ctx: HttpContext) {
    const contactImport = await this.#draft(ctx)
    const options = await this.#options(ctx, contactImport, false)
    return ctx.view.render('crm::partials/import_preview', { contactImport, preview: await previewImport(contactImport, options, ctx.i18n) })
  }

  /** POST /imports/:id/start: the options checked (a phone column is required), then the job. */
  async start(ctx: HttpContext) {
    const contactImport = await this.#draft(ctx)
    await queueImport(contactImport, await this.#options(ctx, contactImport, true))
    return ctx.response.redirect().toRoute('crm.imports.show', { workspace: ctx.tenant.workspace.slug, id: contactImport.id })
  }

  /** GET /imports/:id/report: the failed rows and why (CSV). */
  async report(ctx: HttpContext) {
    const contactImport = await ContactImport.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    if (!contactImport.reportPath) return ctx.response.notFound()
    ctx.response.header('Content-Type', 'text/csv; charset=utf-8')
    ctx.response.attachment(`import-${contactImport.id}-failed-rows.csv`)
    return ctx.response.stream(await drive.use().getStream(contactImport.reportPath))
  }

  async #draft(ctx: HttpContext) {
    const contactImport = await ContactImport.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    if (contactImport.status !== 'draft') {
      throw new errors.E_VALIDATION_ERROR([{ field: 'status', rule: 'started', message: ctx.i18n.t('crm.import.already_started') }])
    }
    return contactImport
  }

  /** The screen's options: one target per column, each once, custom fields that exist; a phone column to start. */
  async #options(ctx: HttpContext, contactImport: ContactImport, starting: boolean): Promise<ImportOptions> {
    const input = await ctx.request.validateUsing(importOptionsValidator, { messagesProvider: labelled(ctx) })
    const mapping = contactImport.headers.map((_, index) => input.mapping[index] ?? '') as ImportOptions['mapping'] & {}
    const chosen = mapping.filter(Boolean)
    const problems: { field: string; rule: string; message: string }[] = []
    if (new Set(chosen).size !== chosen.length) problems.push({ field: 'mapping', rule: 'distinct', message: ctx.i18n.t('crm.import.mapping_twice') })
    if (starting && !mapping.includes('phone')) problems.push({ field: 'mapping', rule: 'phone', message: ctx.i18n.t('crm.import.mapping_phone') })
    const keys = chosen.filter((target) => target.startsWith('cf.')).map((target) => target.slice(3))
    if (keys.length) {
      const known = new Set((await Field.ofWorkspace(contactImport.workspaceId)).map((field) => field.key))
      if (keys.some((key) => !known.has(key))) problems.push({ field: 'mapping', rule: 'field', message: ctx.i18n.t('crm.import.mapping_field') })
    }
    const tagIds = input.tagIds?.length ? (await Tag.query().where('workspace_id', contactImport.workspaceId).whereIn('id', input.tagIds)).map((tag) => tag.id) : []
    if (problems.length) throw new errors.E_VALIDATION_ERROR(problems)
    return { mapping, country: input.country ?? null, policy: input.policy, tagIds }
  }
}
