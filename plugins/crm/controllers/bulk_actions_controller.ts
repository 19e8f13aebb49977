import type { HttpContext } from '@adonisjs/core/http'
import { errors } from '@vinejs/vine'
import { ForbiddenException } from '#exceptions/forbidden_exception'
import { wantsFragment } from '#ui/htmx'
import BulkAction from '#crm/models/bulk_action'
import { startBulkAction } from '#crm/actions/start_bulk_action'
import { undoBulkDelete } from '#crm/actions/undo_bulk_delete'
import { bulkParams, UNDO_SECONDS } from '#crm/services/bulk_actions'
import { resolveFilter } from '#crm/services/contacts_page'
import { transfersChannel } from '#crm/services/transfer_progress'
import { bulkValidator } from '#crm/validators/bulk'
import { labelled } from '#crm/controllers/context'

/**
 * Bulk actions from the list's bar (crm.edit; deleting needs crm.delete): on the checked rows or
 * on everything the list matches. HTMX gets the bar's status (the result, or a live progress
 * bar for a background one); `HX-Trigger: crm:bulked` reloads the list once something changed.
 */
export default class BulkActionsController {
  /** POST /bulk: action (+ tagId, field and value, ownerId) on `ids[]`, or `all` with the list's q, filter or segment. */
  async store(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(bulkValidator, { messagesProvider: labelled(ctx) })
    if (input.action === 'delete' && !ctx.tenant.can('crm.delete')) throw new ForbiddenException('crm.delete')
    const workspaceId = ctx.tenant.workspace.id
    const params = await bulkParams(workspaceId, input, labelled(ctx))
    let target
    if (input.ids) target = { ids: input.ids }
    else {
      const { filter, segment } = await resolveFilter(ctx, input)
      target = { q: input.q, filter, segmentId: segment?.id }
    }
    const bulk = await startBulkAction(workspaceId, ctx.auth.user!.id, params, target)
    if (!wantsFragment(ctx)) {
      ctx.session.flash('success', ctx.i18n.t(`crm.bulk.done.${bulk.action}`, { count: bulk.changed }))
      return ctx.response.redirect().back()
    }
    return this.#status(ctx, bulk)
  }

  /** GET /bulk/:id: its result once it finished (the progress bar fetches it). */
  async show(ctx: HttpContext) {
    return this.#status(ctx, await BulkAction.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id))
  }

  /** POST /bulk/:id/undo: a bulk delete's contacts back, while they are not purged (a 422 after). */
  async undo(ctx: HttpContext) {
    const bulk = await BulkAction.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    const restored = await undoBulkDelete(bulk)
    if (restored === null) throw new errors.E_VALIDATION_ERROR([{ field: 'form', rule: 'undo', message: ctx.i18n.t('crm.bulk.too_late') }])
    if (!wantsFragment(ctx)) {
      ctx.session.flash('success', ctx.i18n.t('crm.bulk.restored', { count: restored }))
      return ctx.response.redirect().back()
    }
    ctx.response.header('HX-Trigger', 'crm:bulked')
    return ctx.view.render('crm::partials/bulk_status', { bulk, restored })
  }

  /** The bar's status: the result, or the live progress of a background action. */
  async #status(ctx: HttpContext, bulk: BulkAction) {
    if (bulk.finished) ctx.response.header('HX-Trigger', 'crm:bulked')
    return ctx.view.render('crm::partials/bulk_status', { bulk, channel: transfersChannel(bulk.workspaceId), undoSeconds: UNDO_SECONDS })
  }
}
