import Segment from '#crm/models/segment'
import type { ContactFilter, FilterContext } from '#crm/services/contact_filter'
import { compileFilter } from '#crm/services/contact_filter'

/** Saves a filter as a segment shared in the workspace; a filter that does not compile is a 422 on its rule. */
export async function saveSegment(workspaceId: number, name: string, filter: ContactFilter, context: FilterContext, userId: number) {
  compileFilter(filter, context)
  return Segment.create({ workspaceId, name, filter, createdById: userId })
}
