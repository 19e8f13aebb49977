import type { HttpContext } from '@adonisjs/core/http'
import Segment from '#crm/models/segment'
import { countSegment } from '#crm/services/segments'
import { apiPageValidator } from '#crm/validators/contact'
import { searchContacts } from '#crm/controllers/api/contacts_controller'

/** /api/v1/crm/segments: saved filters, their size now and their members. */
export default class SegmentsController {
  async index(ctx: HttpContext) {
    const segments = await Segment.query().where('workspace_id', ctx.tenant.workspace.id).orderBy('name')
    return { data: segments.map((segment) => ({ id: segment.id, name: segment.name, filter: segment.filter, createdAt: segment.createdAt.toISO() })) }
  }

  /** GET /:id/count: how many contacts match its filter now (422 when it names a deleted field or tag). */
  async count(ctx: HttpContext) {
    return { data: { count: await countSegment(ctx.tenant.workspace.id, Number(ctx.params.id)) } }
  }

  /** GET /:id/contacts: a page of its members, newest first. */
  async contacts(ctx: HttpContext) {
    const { page, perPage } = await ctx.request.validateUsing(apiPageValidator, { data: ctx.request.qs() })
    return searchContacts(ctx, { segmentId: Number(ctx.params.id), page, perPage })
  }
}
