import { PassThrough, type Writable } from 'node:stream'
import { once } from 'node:events'
import { randomUUID } from 'node:crypto'
import drive from '@adonisjs/drive/services/main'
import db from '@adonisjs/lucid/services/db'
import ExcelJS from 'exceljs'
import type ContactExport from '#crm/models/contact_export'
import type { ContactFilter } from '#crm/services/contact_filter'
import { loadFilterContext } from '#crm/services/filter_context'
import { ROW_TAGS, contactBatches, countContacts, type TagChip } from '#crm/services/contact_list'
import { saveProgress, starterI18n } from '#crm/services/transfer_progress'

/**
 * The export job's work: the contacts the list matched (the same filter compiler), read 1,000 at
 * a time in id order (each batch one index range after the last id: constant memory however
 * many), written a batch at a time straight into the file on the drive (CSV in UTF-8 with a BOM
 * so Excel reads Cyrillic; .xlsx through ExcelJS's streaming writer). docs/crm-performance.md,
 * "Export": what keeps the worker's memory flat.
 */
const EXPORT_BATCH = 1000

export const exportFilename = (contactExport: ContactExport) => `contacts-${contactExport.createdAt.toFormat('yyyy-LL-dd')}-${contactExport.id}.${contactExport.format}`

type Cell = string | number | boolean | Date | null | undefined

/** Where rows go, a batch at a time; `write` resolves once the output can take more. */
interface Sink {
  write(rows: Cell[][]): Promise<void>
  close(): Promise<void>
}

/** Waits for `out` when its buffer is full (the drive is slower than the database). */
async function written(out: Writable, full: boolean) {
  if (full) await once(out, 'drain')
}

/** A CSV field as csv-stringify writes it: booleans 1 or empty, quoted when it holds a comma, a quote or a line break. */
function csvField(value: Cell) {
  if (value === null || value === undefined) return ''
  const text = value instanceof Date ? value.toISOString() : typeof value === 'boolean' ? (value ? '1' : '') : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/**
 * A batch as one string, formatted here rather than by csv-stringify: its per-field bookkeeping
 * allocated ~4 MB per 1,000 rows, and the garbage of each batch, promoted while the next one was
 * read, was what grew the worker's heap.
 */
const csvText = (rows: Cell[][]) => rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'

function csvSink(out: Writable): Sink {
  out.write('\ufeff')
  return {
    write: (rows) => written(out, !out.write(csvText(rows))),
    async close() {
      out.end()
    },
  }
}

function xlsxSink(out: Writable): Sink {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false })
  const sheet = workbook.addWorksheet('Contacts')
  return {
    async write(rows) {
      for (const row of rows) sheet.addRow(row).commit()
      await written(out, out.writableNeedDrain)
    },
    async close() {
      sheet.commit()
      await workbook.commit()
    },
  }
}

/** One contact as the export's columns (the header's order). */
function exportRow(row: any, consent: (status: string) => string, fieldKeys: string[]): Cell[] {
  return [
    row.name ?? row.profile_name ?? '',
    row.phone,
    row.email ?? '',
    consent(row.opt_in_status),
    (row.tags as TagChip[]).map((tag) => tag.name).join(', '),
    row.owner_name ?? '',
    row.conversation_count,
    row.created_at,
    row.last_seen_at ?? '',
    ...fieldKeys.map((key) => {
      const value = row.attributes?.[key]
      return Array.isArray(value) ? value.join(', ') : (value ?? '')
    }),
  ]
}

export async function runExport(contactExport: ContactExport) {
  const workspaceId = contactExport.workspaceId
  const i18n = await starterI18n(contactExport)
  const context = await loadFilterContext(workspaceId)
  const query = { q: contactExport.query.q, filter: (contactExport.query.filter ?? null) as ContactFilter | null, ids: contactExport.query.ids }
  const progress = (status: ContactExport['status']) => saveProgress(contactExport, 'export', status)

  const path = `workspaces/${workspaceId}/crm/exports/${randomUUID()}.${contactExport.format}`
  // Straight into the drive (no temporary file copied after): the drive reads as the sink writes.
  const out = new PassThrough()
  const stored = drive.use().putStream(path, out)
  // A drive that fails stops the writer too (a write waiting for "drain" would wait forever).
  stored.catch((error) => out.destroy(error))
  try {
    contactExport.total = await countContacts(workspaceId, context, query)
    await progress('running')
    const sink = contactExport.format === 'xlsx' ? xlsxSink(out) : csvSink(out)
    const t = (key: string) => i18n.t(`crm.fields.${key}`)
    await sink.write([[t('name'), t('phone'), t('email'), t('opt_in'), t('tags'), t('owner'), t('conversations'), t('created'), t('last_seen'), ...context.fields.map((field) => field.label)]])

    const consent = (status: string) => i18n.t(`crm.consent.${status}`)
    const fieldKeys = context.fields.map((field) => field.key)
    const batches = contactBatches(workspaceId, context, query, EXPORT_BATCH, (batch) =>
      batch
        .leftJoin('users as u', 'u.id', 'ct.owner_id')
        .select('ct.id', 'ct.name', 'ct.profile_name', 'ct.phone', 'ct.email', 'ct.opt_in_status', 'ct.conversation_count', 'ct.created_at', 'ct.last_seen_at', 'ct.attributes', 'u.full_name as owner_name', db.raw(ROW_TAGS))
    )
    for await (const rows of batches) {
      await sink.write(rows.map((row) => exportRow(row, consent, fieldKeys)))
      contactExport.processed += rows.length
      await progress('running')
    }
    await sink.close()
    await stored
    contactExport.path = path
    await progress('done')
  } catch (error) {
    out.destroy()
    await stored.catch(() => {})
    await drive.use().delete(path).catch(() => {})
    contactExport.error = (error as Error).message
    await progress('failed')
    throw error
  }
}
