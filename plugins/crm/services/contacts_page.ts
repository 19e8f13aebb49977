import type { HttpContext } from '@adonisjs/core/http'
import { errors } from '@vinejs/vine'
import Segment from '#crm/models/segment'
import { OPERATORS, filterFields, ruleCount, type ContactFilter, type FilterContext } from '#crm/services/contact_filter'
import { listContacts, SORT_KEYS, type ContactRow, type ListQuery } from '#crm/services/contact_list'
import { columnChoices, columnsOf } from '#crm/services/list_columns'
import { parseFilter } from '#crm/validators/filter'
import type { Infer } from '@vinejs/vine/types'
import type { listContactsValidator } from '#crm/validators/contact'
import { valueText, when } from '#crm/presenters'
import { ownerChoices } from '#crm/services/contact_card'
import { UNDO_SECONDS } from '#crm/services/bulk_actions'

export type ListParams = Infer<typeof listContactsValidator>

/** The filter the list applies: the one in the URL, else the opened segment's. */
export async function resolveFilter(ctx: HttpContext, params: ListParams) {
  const segment = params.segment ? await Segment.findInWorkspace(ctx.tenant.workspace.id, params.segment) : null
  const filter: ContactFilter | null = params.filter ? await parseFilter(params.filter) : (segment?.filter ?? null)
  return { segment, filter }
}

/** One row's cells for the picked columns, as text (tags as a list). */
function cells(ctx: HttpContext, row: ContactRow, columns: string[]) {
  return columns.map((key) => {
    switch (key) {
      case 'tags':
        return { key, text: '', tags: row.tags }
      case 'opt_in':
        return { key, text: ctx.i18n.t(`crm.consent.${row.opt_in_status}`) }
      case 'owner':
        return { key, text: row.owner_name ?? '' }
      case 'conversations':
        return { key, text: String(row.conversation_count) }
      case 'last_seen':
        return { key, text: when(ctx, row.last_seen_at, 'date') }
      case 'created':
        return { key, text: when(ctx, row.created_at, 'date') }
      case 'phone':
      case 'email':
        return { key, text: row[key] ?? '' }
      default:
        return { key, text: valueText(ctx, row.attributes[key.slice(3)]) }
    }
  })
}

/** The query string that reproduces this list (links: sort, the next page, a segment). */
function linkQuery(params: ListParams, filter: ContactFilter | null) {
  const query: Record<string, string | number> = {}
  if (params.q) query.q = params.q
  if (params.sort) query.sort = params.sort
  if (params.dir) query.dir = params.dir
  if (params.segment && !params.filter) query.segment = params.segment
  else if (filter && ruleCount(filter)) query.filter = JSON.stringify(filter)
  return query
}

/** One page of rows, presented, with the link to the next one. */
export async function contactRows(ctx: HttpContext, context: FilterContext, params: ListParams, filter: ContactFilter | null) {
  const workspaceId = ctx.tenant.workspace.id
  const query: ListQuery = { q: params.q, sort: params.sort, dir: params.dir, cursor: params.cursor, filter }
  const { rows, cursor } = await listContacts(workspaceId, context, query)
  const columns = await columnsOf(workspaceId, ctx.auth.user!.id, context.fields)
  return {
    rows: rows.map((row) => ({ id: row.id, name: row.name || row.profile_name || row.phone, cells: cells(ctx, row, columns) })),
    cursor,
    columns,
    query: linkQuery(params, filter),
  }
}

/** What the filter builder needs: the fields with their operators and choices, labelled in the user's language. */
function builderConfig(ctx: HttpContext, context: FilterContext, owners: { id: number; name: string }[]) {
  const t = (key: string) => ctx.i18n.t(key)
  const ops = Object.fromEntries(Object.entries(OPERATORS).map(([kind, list]) => [kind, list.map((op) => ({ value: op, label: t(`crm.filter.ops.${op}`) }))]))
  return {
    fields: filterFields(context).map((field) => ({
      key: field.key,
      kind: field.kind,
      label: field.label ?? t(field.labelKey!),
      options:
        field.key === 'owner'
          ? owners.map((owner) => ({ value: owner.id, label: owner.name }))
          : (field.options?.map((option) => ({ value: option.value, label: field.key === 'opt_in' ? t(option.label) : option.label })) ?? []),
    })),
    ops,
  }
}

/**
 * The whole list page: rows, columns to pick, sorts, the builder, the segment it shows. A filter
 * that no longer fits the workspace (a saved segment or a link naming a deleted field or tag)
 * shows in the builder with the problems and no rows (`problems`; the page answers 422).
 */
export async function contactsPage(ctx: HttpContext, context: FilterContext, params: ListParams) {
  const { segment, filter } = await resolveFilter(ctx, params)
  let problems: string[] = []
  const list = await contactRows(ctx, context, params, filter).catch(async (error) => {
    if (!(error instanceof errors.E_VALIDATION_ERROR)) throw error
    problems = (error.messages as { field: string; message: string }[]).map((problem) => `${problem.field}: ${problem.message}`)
    return { rows: [], cursor: null, columns: await columnsOf(ctx.tenant.workspace.id, ctx.auth.user!.id, context.fields), query: {} }
  })
  const owners = await ownerChoices(ctx.tenant.workspace.id)
  const labels = Object.fromEntries(columnChoices(context.fields).map((choice) => [choice.key, choice.label ?? ctx.i18n.t(`crm.fields.${choice.key}`)]))
  return {
    list,
    params,
    segment,
    problems,
    filter: filter ?? { match: 'all', rules: [] },
    filtered: ruleCount(filter) > 0,
    builder: builderConfig(ctx, context, owners),
    columnChoices: Object.entries(labels).map(([key, label]) => ({ key, label })),
    columnLabels: labels,
    sorts: SORT_KEYS,
    // The bulk bar's choices.
    bulk: { tags: context.tags, fields: context.fields, owners },
    undoSeconds: UNDO_SECONDS,
  }
}
