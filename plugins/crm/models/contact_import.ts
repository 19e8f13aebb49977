import { column } from '@adonisjs/lucid/orm'
import Transfer from '#crm/models/transfer'

/** Where a file's column goes: a built-in field, `cf.<key>`, or nowhere. */
export type ImportTarget = 'name' | 'phone' | 'email' | 'tags' | `cf.${string}` | ''

/** What to do with a row whose phone is already a contact. */
export type DuplicatePolicy = 'skip' | 'update' | 'create'

export interface ImportOptions {
  /** One target per column of the file, in its order. */
  mapping?: ImportTarget[]
  country?: string | null
  policy?: DuplicatePolicy
  tagIds?: number[]
}

/** An uploaded contacts file (crm_imports): its mapping, progress and failed-rows report. */
export default class ContactImport extends Transfer {
  static table = 'crm_imports'

  @column()
  declare filename: string

  @column()
  declare path: string

  @column()
  declare encoding: string | null

  @column()
  declare delimiter: string | null

  // pg would send a JS array as a Postgres array: JSON it is.
  @column({ prepare: (value: string[]) => JSON.stringify(value) })
  declare headers: string[]

  @column({ prepare: (value: ImportOptions) => JSON.stringify(value) })
  declare options: ImportOptions

  @column()
  declare createdCount: number

  @column()
  declare updatedCount: number

  @column()
  declare skippedCount: number

  @column()
  declare failedCount: number

  @column()
  declare reportPath: string | null
}
