import type { LucidRow } from '@adonisjs/lucid/types/model'
import { ProcessCache } from '#core/process_cache'

/**
 * Who may open which workspace, with what role: asked on every workspace page and API call,
 * so each process keeps the answers for a while. Any change to memberships, organization
 * staff, workspaces or organizations forgets all of them, in every process, once committed
 * (the models' hooks call `accessChanged`): such changes are rare.
 */
export const accessCache = new ProcessCache<Record<string, any> | null>('tenancy.access', { ttlMs: 30_000, maxEntries: 50_000 })

export function accessChanged(model: LucidRow) {
  return accessCache.forgetRow(model, null)
}
