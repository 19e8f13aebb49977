import type { HttpContext } from '@adonisjs/core/http'
import { wantsFragment } from '#ui/htmx'
import drive from '@adonisjs/drive/services/main'
import router from '@adonisjs/core/services/router'
import ContactExport, { type ExportQuery } from '#crm/models/contact_export'
import { queueExport } from '#crm/actions/queue_transfer'
import { compileFilter } from '#crm/services/contact_filter'
import { loadFilterContext } from '#crm/services/filter_context'
import { resolveFilter } from '#crm/services/contacts_page'
import { exportFilename } from '#crm/services/export_contacts'
import { transfersChannel } from '#crm/services/transfer_progress'
import { exportValidator } from '#crm/validators/transfer'
import { labelled } from '#crm/controllers/context'

/** Contact exports (crm.export): what the list shows, to CSV or .xlsx, written by a job. */
export default class ExportsController {
  /** POST /exports: the list's search and filter (or segment), checked now, exported by the job. */
  async store(ctx: HttpContext) {
    const params = await ctx.request.validateUsing(exportValidator, { messagesProvider: labelled(ctx) })
    const workspace = ctx.tenant.workspace
    // The checked rows (the list's bulk bar), or what the list shows.
    let query: ExportQuery = { ids: params.ids }
    if (!params.ids) {
      const { filter } = await resolveFilter(ctx, params)
      // A filter that no longer fits the workspace's fields and tags is a 422 now, not a failed job later.
      if (filter) compileFilter(filter, await loadFilterContext(workspace.id, workspace.timezone))
      query = { q: params.q, filter, segmentId: params.segment }
    }
    const contactExport = await queueExport(workspace.id, ctx.auth.user!.id, params.format, query)
    const url = router.makeUrl('crm.exports.show', { workspace: workspace.slug, id: contactExport.id })
    // From the list (HTMX, with the filter form's fields): the browser goes to the export's page.
    if (wantsFragment(ctx)) {
      ctx.response.header('HX-Redirect', url)
      return ctx.response.noContent()
    }
    return ctx.response.redirect(url)
  }

  /** The export's progress (live) and, when written, its download link. */
  async show(ctx: HttpContext) {
    const contactExport = await ContactExport.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    return ctx.view.render(wantsFragment(ctx) ? 'crm::partials/export_result' : 'crm::pages/exports/show', {
      contactExport,
      filename: exportFilename(contactExport),
      channel: transfersChannel(contactExport.workspaceId),
    })
  }

  /** GET /exports/:id/download: the file, to members who may export, of this workspace only. */
  async download(ctx: HttpContext) {
    const contactExport = await ContactExport.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    if (contactExport.status !== 'done' || !contactExport.path) return ctx.response.notFound()
    ctx.response.header('Content-Type', contactExport.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    ctx.response.attachment(exportFilename(contactExport))
    return ctx.response.stream(await drive.use().getStream(contactExport.path))
  }
}
