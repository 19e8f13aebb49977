import type { HttpContext } from '@adonisjs/core/http'
import Segment from '#crm/models/segment'
import { saveSegment } from '#crm/actions/save_segment'
import { segmentSize, segmentsOf } from '#crm/services/segments'
import { loadFilterContext } from '#crm/services/filter_context'
import { storeSegmentValidator } from '#crm/validators/segment'
import { parseFilter } from '#crm/validators/filter'
import { labelled } from '#crm/controllers/context'

/** Segments: saved filters, shared in the workspace. */
export default class SegmentsController {
  /** The segments; each member count loads after the page (GET …/:id/count). */
  async index(ctx: HttpContext) {
    return ctx.view.render('crm::pages/segments/index', { segments: await segmentsOf(ctx.tenant.workspace.id) })
  }

  /** POST: the list's current filter saved under a name; then the list, showing the segment. */
  async store(ctx: HttpContext) {
    const workspace = ctx.tenant.workspace
    const input = await ctx.request.validateUsing(storeSegmentValidator, { meta: { workspaceId: workspace.id }, messagesProvider: labelled(ctx) })
    const filter = await parseFilter(input.filter)
    const segment = await saveSegment(workspace.id, input.name, filter, await loadFilterContext(workspace.id, workspace.timezone), ctx.auth.user!.id)
    ctx.session.flash('success', ctx.i18n.t('crm.segments.saved', { name: segment.name }))
    return ctx.response.redirect().toRoute('crm.contacts.index', { workspace: workspace.slug }, { qs: { segment: segment.id } })
  }

  /** GET …/:id/count: the number of contacts in it now. */
  async count(ctx: HttpContext) {
    return ctx.view.render('crm::partials/count', await segmentSize(ctx.tenant.workspace.id, ctx.params.id))
  }

  async destroy(ctx: HttpContext) {
    const segment = await Segment.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    await segment.delete()
    ctx.session.flash('success', ctx.i18n.t('crm.segments.deleted', { name: segment.name }))
    return ctx.response.redirect().toRoute('crm.segments.index', { workspace: ctx.tenant.workspace.slug })
  }
}
