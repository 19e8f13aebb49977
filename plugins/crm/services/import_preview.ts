import drive from '@adonisjs/drive/services/main'
import db from '@adonisjs/lucid/services/db'
import type { I18n } from '@adonisjs/i18n'
import type { CountryCode } from 'libphonenumber-js'
import type ContactImport from '#crm/models/contact_import'
import type { ImportOptions } from '#crm/models/contact_import'
import Field from '#crm/models/field'
import { readImportFile } from '#crm/services/import_file'
import { RowChecker, contactsByPhone } from '#crm/services/import_rows'

const PREVIEW_ROWS = 10

export interface PreviewRow {
  line: number
  cells: string[]
  problems: string[]
  /** The row's phone is already a contact (what happens then is the policy's). */
  exists: boolean
}

/** The first rows of the file as the import would read them with these options, each with its problems. */
export async function previewImport(contactImport: ContactImport, options: ImportOptions, i18n: I18n) {
  const fields = await Field.ofWorkspace(contactImport.workspaceId)
  const checker = new RowChecker(options.mapping ?? [], fields, (options.country || undefined) as CountryCode | undefined, i18n)
  const file = await readImportFile(Buffer.from(await drive.use().getBytes(contactImport.path)))
  const rows: (PreviewRow & { phone?: string })[] = []
  let line = 1
  for await (const record of file.rows()) {
    const checked = await checker.check(record)
    rows.push({ line: ++line, cells: record, problems: checked.problems, exists: false, phone: checked.contact?.phone })
    if (rows.length >= PREVIEW_ROWS) break
  }
  const phones = rows.flatMap((row) => (row.phone ? [row.phone] : []))
  const found = await db.transaction((trx) => contactsByPhone<{ phone: string }>(trx, contactImport.workspaceId, phones, ['phone']))
  const known = new Set(found.map((row) => row.phone))
  return { fields, rows: rows.map(({ phone, ...row }) => ({ ...row, exists: !!phone && known.has(phone) })) }
}
