import Segment from '#crm/models/segment'
import { loadFilterContext } from '#crm/services/filter_context'
import { contactBatches, countContacts, shownCount } from '#crm/services/contact_list'

/**
 * The CRM's exported service for other plugins (campaigns, automations): a segment's members,
 * whoever matches its filter now. Every call is scoped to the workspace; another workspace's
 * segment is not found (E_ROW_NOT_FOUND). A filter that no longer fits the workspace (a field or
 * tag it names was deleted) is a 422 (E_VALIDATION_ERROR).
 */

/** How many contacts are in the segment now, exactly. */
export async function countSegment(workspaceId: number, segmentId: number) {
  const segment = await Segment.findInWorkspace(workspaceId, segmentId)
  return countContacts(workspaceId, await loadFilterContext(workspaceId), { filter: segment.filter })
}

/** The segment's size as the segments page shows it: exact up to 1,000, else an estimate (`shownCount`). */
export async function segmentSize(workspaceId: number, segmentId: number) {
  const segment = await Segment.findInWorkspace(workspaceId, segmentId)
  return shownCount(workspaceId, await loadFilterContext(workspaceId), { filter: segment.filter })
}

/**
 * The segment's contact ids in batches of `batchSize`, by id (keyset on the primary key: each
 * batch is one index range, so a million members cost the same per batch as the first).
 *
 *   for await (const ids of segmentContactIds(workspaceId, segmentId)) await enqueue(ids)
 */
export async function* segmentContactIds(workspaceId: number, segmentId: number, batchSize = 1000): AsyncGenerator<number[]> {
  const segment = await Segment.findInWorkspace(workspaceId, segmentId)
  const context = await loadFilterContext(workspaceId)
  for await (const rows of contactBatches(workspaceId, context, { filter: segment.filter }, batchSize, (batch) => batch.select('ct.id'))) {
    yield rows.map((row) => Number(row.id))
  }
}

/** The workspace's segments by name. */
export function segmentsOf(workspaceId: number) {
  return Segment.query().where('workspace_id', workspaceId).orderByRaw('lower(name)')
}
