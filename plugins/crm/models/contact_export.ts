import { column } from '@adonisjs/lucid/orm'
import Transfer from '#crm/models/transfer'

export interface ExportQuery {
  /** The checked rows, when the bulk bar exported a selection. */
  ids?: number[]
  q?: string
  filter?: unknown
  segmentId?: number
}

/** An export of the contacts a list showed (crm_exports): its progress and the file, once written. */
export default class ContactExport extends Transfer {
  static table = 'crm_exports'

  /** What the list showed: its search and filter (a segment's, as it was then), or the checked rows. */
  @column()
  declare query: ExportQuery

  @column()
  declare path: string | null
}
