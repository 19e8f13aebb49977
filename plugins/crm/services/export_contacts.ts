import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { randomUUID } from 'node:crypto'
import drive from '@adonisjs/drive/services/main'
import { stringify } from 'csv-stringify/sync'
import ExcelJS from 'exceljs'
import type ContactExport from '#crm/models/contact_export'
import type { ContactFilter } from '#crm/services/contact_filter'
import { loadFilterContext } from '#crm/services/filter_context'
import { contactBatches, countContacts, tagsOf } from '#crm/services/contact_list'
import { saveProgress, starterI18n } from '#crm/services/transfer_progress'

/**
 * The export job's work: the contacts the list matched (the same filter compiler), read 1,000 at
 * a time in id order (each batch one index range after the last id: constant memory however
 * many), written a batch at a time to a temporary file (CSV in UTF-8 with a BOM so Excel reads
 * Cyrillic; .xlsx through ExcelJS's streaming writer), then put on the drive for the download.
 */
const EXPORT_BATCH = 1000

export const exportFilename = (contactExport: ContactExport) => `contacts-${contactExport.createdAt.toFormat('yyyy-LL-dd')}-${contactExport.id}.${contactExport.format}`

/** Where rows go, a batch at a time: a batch is formatted at once and written once (waiting for the file when its buffer is full). */
interface Sink {
  write(rows: unknown[][]): Promise<void>
  close(): Promise<void>
}

async function csvSink(path: string): Promise<Sink> {
  const out = createWriteStream(path)
  out.write('\ufeff')
  return {
    async write(rows) {
      const text = stringify(rows.map((row) => row.map((value) => (value instanceof Date ? value.toISOString() : value))), { record_delimiter: 'windows' })
      if (!out.write(text)) await once(out, 'drain')
    },
    async close() {
      out.end()
      await once(out, 'finish')
    },
  }
}

async function xlsxSink(path: string): Promise<Sink> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: false })
  const sheet = workbook.addWorksheet('Contacts')
  return {
    async write(rows) {
      for (const row of rows) sheet.addRow(row).commit()
    },
    async close() {
      sheet.commit()
      await workbook.commit()
    },
  }
}

export async function runExport(contactExport: ContactExport) {
  const workspaceId = contactExport.workspaceId
  const i18n = await starterI18n(contactExport)
  const context = await loadFilterContext(workspaceId)
  const query = { q: contactExport.query.q, filter: (contactExport.query.filter ?? null) as ContactFilter | null, ids: contactExport.query.ids }
  const progress = (status: ContactExport['status']) => saveProgress(contactExport, 'export', status)

  const folder = await mkdtemp(join(tmpdir(), 'crm-export-'))
  const file = join(folder, `export.${contactExport.format}`)
  try {
    contactExport.total = await countContacts(workspaceId, context, query)
    await progress('running')
    const sink = contactExport.format === 'xlsx' ? await xlsxSink(file) : await csvSink(file)
    const t = (key: string) => i18n.t(`crm.fields.${key}`)
    await sink.write([[t('name'), t('phone'), t('email'), t('opt_in'), t('tags'), t('owner'), t('conversations'), t('created'), t('last_seen'), ...context.fields.map((field) => field.label)]])

    const batches = contactBatches(workspaceId, context, query, EXPORT_BATCH, (batch) =>
      batch
        .leftJoin('users as u', 'u.id', 'ct.owner_id')
        .select('ct.id', 'ct.name', 'ct.profile_name', 'ct.phone', 'ct.email', 'ct.opt_in_status', 'ct.conversation_count', 'ct.created_at', 'ct.last_seen_at', 'ct.attributes', 'u.full_name as owner_name')
    )
    for await (const rows of batches) {
      const tags = await tagsOf(workspaceId, rows.map((row) => row.id))
      await sink.write(
        rows.map((row) => [
          row.name ?? row.profile_name ?? '',
          row.phone,
          row.email ?? '',
          i18n.t(`crm.consent.${row.opt_in_status}`),
          (tags.get(row.id) ?? []).map((tag) => tag.name).join(', '),
          row.owner_name ?? '',
          row.conversation_count,
          row.created_at,
          row.last_seen_at ?? '',
          ...context.fields.map((field) => {
            const value = row.attributes?.[field.key]
            return Array.isArray(value) ? value.join(', ') : (value ?? '')
          }),
        ])
      )
      contactExport.processed += rows.length
      await progress('running')
    }
    await sink.close()
    const path = `workspaces/${workspaceId}/crm/exports/${randomUUID()}.${contactExport.format}`
    await drive.use().putStream(path, createReadStream(file))
    contactExport.path = path
    await progress('done')
  } catch (error) {
    contactExport.error = (error as Error).message
    await progress('failed')
    throw error
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}
