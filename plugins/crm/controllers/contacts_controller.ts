import type { HttpContext } from '@adonisjs/core/http'
import { wantsFragment } from '#ui/htmx'
import { listContactsValidator, columnsValidator, timelineValidator } from '#crm/validators/contact'
import { listFilterContext, loadFilterContext } from '#crm/services/filter_context'
import { contactRows, contactsPage, resolveFilter } from '#crm/services/contacts_page'
import { shownCount } from '#crm/services/contact_list'
import { saveColumns } from '#crm/services/list_columns'
import { contactCard } from '#crm/services/contact_card'
import { contactTimeline } from '#crm/services/timeline'
import { findContact, labelled, queryOf } from '#crm/controllers/context'
import { presentTimeline } from '#crm/presenters'

/** The contacts list (search, filter, sort, columns) and the contact card. */
export default class ContactsController {
  /** The page; for HTMX (filter, search, the next page) only the rows. */
  async index(ctx: HttpContext) {
    const params = await ctx.request.validateUsing(listContactsValidator, { data: queryOf(ctx), messagesProvider: labelled(ctx) })
    const context = await listFilterContext(ctx.tenant.workspace.id, ctx.tenant.workspace.timezone)
    if (wantsFragment(ctx)) {
      const { filter } = await resolveFilter(ctx, params)
      // A new first page: the count above the list asks again.
      if (!params.cursor) ctx.response.header('HX-Trigger', 'crm:listed')
      return ctx.view.render('crm::partials/rows', { list: await contactRows(ctx, context, params, filter) })
    }
    const page = await contactsPage(ctx, context, params)
    if (page.problems.length) ctx.response.status(422)
    return ctx.view.render('crm::pages/contacts/index', page)
  }

  /** GET /contacts/count: how many match the list's search and filter (loaded after the page). */
  async count(ctx: HttpContext) {
    const params = await ctx.request.validateUsing(listContactsValidator, { data: queryOf(ctx), messagesProvider: labelled(ctx) })
    const context = await listFilterContext(ctx.tenant.workspace.id, ctx.tenant.workspace.timezone)
    const { filter } = await resolveFilter(ctx, params)
    return ctx.view.render('crm::partials/count', await shownCount(ctx.tenant.workspace.id, context, { q: params.q, filter }))
  }

  /** POST /contacts/columns: the member's columns, then back to the list. */
  async columns(ctx: HttpContext) {
    const { columns } = await ctx.request.validateUsing(columnsValidator)
    const context = await loadFilterContext(ctx.tenant.workspace.id, ctx.tenant.workspace.timezone)
    await saveColumns(ctx.tenant.workspace.id, ctx.auth.user!.id, context.fields, columns ?? [])
    return ctx.response.redirect().back()
  }

  /** The contact card. */
  async show(ctx: HttpContext) {
    const contact = await findContact(ctx)
    return ctx.view.render('crm::pages/contacts/show', await contactCard(ctx, contact))
  }

  /** GET …/timeline?before=: older entries of the timeline (HTMX "load older"). */
  async timeline(ctx: HttpContext) {
    const contact = await findContact(ctx)
    const { before } = await ctx.request.validateUsing(timelineValidator, { data: queryOf(ctx) })
    const timeline = await contactTimeline(ctx.tenant.workspace.id, contact.id, before ? new Date(before) : null)
    return ctx.view.render('crm::partials/timeline', { timeline: presentTimeline(ctx, timeline), contact })
  }
}
