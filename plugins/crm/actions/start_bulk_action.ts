import { jobs } from '#jobs/registry'
import BulkAction, { type BulkParams, type BulkQuery } from '#crm/models/bulk_action'
import type { ContactFilter } from '#crm/services/contact_filter'
import { loadFilterContext } from '#crm/services/filter_context'
import { countContacts } from '#crm/services/contact_list'
import { runBulk } from '#crm/services/bulk_actions'
import { bulkContacts } from '#crm/jobs/bulk_contacts'

/** Up to this many contacts a bulk action runs in the request (one batch); more go to the job with a progress bar. */
const IN_REQUEST = 1000

/**
 * Records a bulk action on the checked rows or the list's whole result and runs it: at once
 * when it is one batch, else in the background (the bar follows it over SSE). A filter that no
 * longer fits the workspace is a 422 now (the count compiles it), not a failed job.
 */
export async function startBulkAction(workspaceId: number, userId: number, params: BulkParams, query: BulkQuery & { filter?: ContactFilter | null }) {
  const total = await countContacts(workspaceId, await loadFilterContext(workspaceId), { q: query.q, filter: query.filter ?? null, ids: query.ids })
  const bulk = await BulkAction.create({ workspaceId, userId, status: 'queued', action: params.action, params, query, total, processed: 0, changed: 0 })
  if (total <= IN_REQUEST) await runBulk(bulk)
  else await jobs.dispatch(bulkContacts, { workspaceId, bulkId: bulk.id })
  return bulk
}
