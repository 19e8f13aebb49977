import { ProcessCache } from '#core/process_cache'
import type { LucidRow } from '@adonisjs/lucid/types/model'
import type { FilterContext } from '#crm/services/contact_filter'

/**
 * The workspace's fields and tags as the contacts list reads them on every request (the page, the
 * rows as one types, the count), kept briefly in this process (`listFilterContext`). Every write
 * of a field or a tag forgets them: the models' hooks, and `forgetFilterContext` after SQL that
 * bypasses the models (the tags an import creates). The models are shared between requests: read
 * them, never change them.
 */
export const listedContexts = new ProcessCache<Pick<FilterContext, 'fields' | 'tags'>>('crm.filter_context', { ttlMs: 30_000, maxEntries: 10_000 })

/** After fields or tags of the workspace were written without their models. */
export function forgetFilterContext(workspaceId: number) {
  return listedContexts.forget(workspaceId)
}

/** For the Field and Tag hooks: forgets the row's workspace now and once its write commits. */
export function forgetFilterContextOf(row: LucidRow & { workspaceId: number }) {
  return listedContexts.forgetRow(row, row.workspaceId)
}
