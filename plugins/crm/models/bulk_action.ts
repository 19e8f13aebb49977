import { DateTime } from 'luxon'
import { column } from '@adonisjs/lucid/orm'
import Transfer from '#crm/models/transfer'
import type { FieldValue } from '#crm/services/field_values'

/** What a bulk action does (validated by validators/bulk.ts). */
export type BulkParams =
  | { action: 'tag' | 'untag'; tagId: number }
  | { action: 'set_field'; field: string; value: FieldValue | null }
  | { action: 'owner'; ownerId: number | null }
  | { action: 'opt_out' }
  | { action: 'delete' }

/** The contacts it applies to: checked rows (`ids`), or the list's search and filter (a segment's, as it was then). */
export interface BulkQuery {
  ids?: number[]
  q?: string
  filter?: unknown
  segmentId?: number
}

/** One bulk action on contacts (crm_bulk_actions): what, on which, how far, and for a delete its undo. */
export default class BulkAction extends Transfer {
  static table = 'crm_bulk_actions'

  @column()
  declare action: BulkParams['action']

  @column()
  declare params: BulkParams

  @column()
  declare query: BulkQuery

  /** How many contacts it changed (a contact already tagged is processed, not changed). */
  @column()
  declare changed: number

  @column.dateTime()
  declare undoneAt: DateTime | null

  @column.dateTime()
  declare purgedAt: DateTime | null
}
