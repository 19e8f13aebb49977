import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import drive from '@adonisjs/drive/services/main'
import type { I18n } from '@adonisjs/i18n'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { stringify } from 'csv-stringify/sync'
import type { CountryCode } from 'libphonenumber-js'
import { hooks } from '#hooks/bus'
import { waIdOf } from '#messaging/services/phone'
import type ContactImport from '#crm/models/contact_import'
import Field from '#crm/models/field'
import Tag from '#crm/models/tag'
import type { FieldChange } from '#crm/hooks'
import type { ContactEventData } from '#crm/models/contact_event'
import { readImportFile, ImportFileError } from '#crm/services/import_file'
import { RowChecker, contactsByPhone, type ImportedContact } from '#crm/services/import_rows'
import { saveProgress, starterI18n } from '#crm/services/transfer_progress'
import { forgetFilterContext } from '#crm/services/filter_context_cache'

/**
 * The import job's work: read the file again, check every row, write 2,000 rows at a time with a
 * handful of multi-row statements (insert the new contacts, update the existing ones per the
 * policy, tag them, record the timeline) while the next 500 are read and checked, report
 * progress after each batch, and at the end
 * write the report of the rows that failed and why. A failure mid-way records where it stopped
 * in the report and on the import: what was written before stays, and says so.
 */
const BATCH_SIZE = 2000
/** Batches written at once (each on its own connection). */
const WRITERS = 2

/** Tag colours for the tags an import creates (named in the file's tags column). */
const NEW_TAG_COLOR = '#64748b'

interface Failure {
  line: number
  record: string[]
  reasons: string[]
}

interface Pending {
  line: number
  record: string[]
  contact: ImportedContact
}

/** A contact's one timeline event of an import: created or the fields it changed, and the tags it added. */
type ImportEvent = Extract<ContactEventData, { kind: 'import' }>

type TagRef = { id: number; name: string }

/** A batch the database did not take (or rolled back with the one before it): the import stops at its first row. */
class BatchFailure extends Error {
  constructor(
    readonly line: number,
    cause: unknown
  ) {
    super((cause as Error).message, { cause })
  }
}

interface Announcements {
  created: { contactId: number; phone: string }[]
  updated: { contactId: number; changes: FieldChange[] }[]
  tagged: { contactId: number; tagId: number; tag: string }[]
}

export async function runImport(contactImport: ContactImport) {
  const workspaceId = contactImport.workspaceId
  const i18n = await starterI18n(contactImport)
  const fields = await Field.ofWorkspace(workspaceId)
  const options = contactImport.options
  const checker = new RowChecker(options.mapping ?? [], fields, (options.country || undefined) as CountryCode | undefined, i18n)
  const labels = new Map(fields.map((field) => [field.key, field.label]))
  const chosenTags = options.tagIds?.length ? await Tag.query().where('workspace_id', workspaceId).whereIn('id', options.tagIds) : []

  const failures: Failure[] = []
  const seen = new Map<string, number>()
  let line = 1
  const progress = (status: ContactImport['status']) => saveProgress(contactImport, 'import', status)
  // The batches being written (at most WRITERS), and the last one's whole write (commit, hooks, progress).
  const writing = new Set<Promise<void>>()
  let last: Promise<void> = Promise.resolve()

  try {
    const file = await readImportFile(Buffer.from(await drive.use().getBytes(contactImport.path)))
    await progress('running')
    let batch: Pending[] = []
    // The next rows are read and checked while batches are written (the worker's CPU and the
    // database's at once), and two batches are written at once on two connections: one's
    // statements run while the other waits for its round trips and its commit. Each batch
    // commits only after the one before it is done, so what is written is always the file up
    // to some batch: a failed batch rolls back the one after it too. A failed write surfaces at
    // the next flush or at drain().
    const flush = async () => {
      const rows = batch
      batch = []
      while (writing.size >= WRITERS) await Promise.race(writing)
      const before = last
      const write = (async () => {
        const counts = await writeBatch(rows, before).catch((error) => {
          throw error instanceof BatchFailure ? error : new BatchFailure(rows[0].line, error)
        })
        contactImport.merge({
          processed: contactImport.processed + rows.length,
          createdCount: contactImport.createdCount + counts.created,
          updatedCount: contactImport.updatedCount + counts.updated,
          skippedCount: contactImport.skippedCount + counts.skipped,
          failedCount: failures.length,
        })
        await progress('running')
      })()
      last = write
      writing.add(write)
      // A failed write stays in `writing`: the next flush's race rethrows it.
      write.then(() => writing.delete(write), () => {})
    }
    const drain = async () => {
      await flush()
      await last
    }

    const writeBatch = async (rows: Pending[], before: Promise<void>) => {
      const announcements: Announcements = { created: [], updated: [], tagged: [] }
      // New tags first, committed on their own: two batches' transactions never wait on each other's tags.
      const tags = await tagsNamed(rows)
      const counts = await db.transaction(async (trx) => {
        const written = await writeRows(trx, rows, tags, announcements)
        await before
        return written
      })
      for (const { contactId, phone } of announcements.created) await hooks.emit('contact.created', { workspaceId, contactId, phone, source: 'import' })
      for (const { contactId, changes } of announcements.updated) await hooks.emit('contact.updated', { workspaceId, contactId, changes, actorId: contactImport.userId })
      for (const { contactId, tagId, tag } of announcements.tagged) await hooks.emit('contact.tagged', { workspaceId, contactId, tagId, tag, added: true, actorId: contactImport.userId })
      return counts
    }

    const writeRows = async (trx: TransactionClientContract, rows: Pending[], tags: Map<string, TagRef>, out: Announcements) => {
      const phones = rows.map((row) => row.contact.phone)
      type Existing = { id: number; phone: string; name: string | null; email: string | null; attributes: Record<string, unknown> }
      const existing = new Map<string, Existing>()
      for (const row of await contactsByPhone<Existing>(trx, workspaceId, phones, ['id', 'phone', 'name', 'email', 'attributes'], true)) existing.set(row.phone, row)
      let skipped = 0
      const toTag: { contactId: number; names: string[] }[] = []
      const events = new Map<number, ImportEvent>()
      const eventOf = (contactId: number, created = false) => {
        let event = events.get(contactId)
        if (!event) events.set(contactId, (event = { kind: 'import', importId: contactImport.id, file: contactImport.filename, created, changes: [], tags: [] }))
        return event
      }

      const fresh = rows.filter((row) => !existing.has(row.contact.phone))
      if (fresh.length) {
        // The rows as one JSON parameter: one statement, no thousands of bindings to compile.
        const { rows: inserted } = await trx.rawQuery(
          `insert into contacts (workspace_id, phone, wa_id, name, email, attributes, created_at, updated_at)
           select ?, x.phone, x.wa_id, x.name, x.email, x.attributes, now(), now()
           from jsonb_to_recordset(?::jsonb) as x(phone text, wa_id text, name text, email text, attributes jsonb)
           on conflict (workspace_id, phone) do nothing returning id, phone`,
          [workspaceId, JSON.stringify(fresh.map(({ contact }) => ({ phone: contact.phone, wa_id: waIdOf(contact.phone), name: contact.name ?? null, email: contact.email ?? null, attributes: contact.attributes })))]
        )
        const ids = new Map<string, number>(inserted.map((row: { id: string; phone: string }) => [row.phone, Number(row.id)]))
        for (const row of fresh) {
          const id = ids.get(row.contact.phone)
          // Created meanwhile (a first message from that number while the batch ran): left as it is.
          if (!id) skipped++
          else {
            out.created.push({ contactId: id, phone: row.contact.phone })
            eventOf(id, true)
            toTag.push({ contactId: id, names: row.contact.tags })
          }
        }
      }

      const changed: { id: number; name: string | null; email: string | null; attributes: Record<string, unknown> }[] = []
      for (const row of rows) {
        const current = existing.get(row.contact.phone)
        if (!current) continue
        if (options.policy === 'skip') {
          skipped++
          continue
        }
        if (options.policy === 'create') {
          failures.push({ line: row.line, record: row.record, reasons: [i18n.t('crm.import.problems.exists', { phone: row.contact.phone })] })
          continue
        }
        // update: what the file has overwrites; an empty cell leaves the value as it was.
        const changes: (FieldChange & { label: string })[] = []
        const next = { id: current.id, name: current.name, email: current.email, attributes: { ...current.attributes } }
        for (const key of ['name', 'email'] as const) {
          const value = row.contact[key]
          if (value !== undefined && value !== current[key]) {
            changes.push({ field: key, label: key, from: current[key], to: value })
            next[key] = value
          }
        }
        for (const [key, value] of Object.entries(row.contact.attributes)) {
          if (JSON.stringify(current.attributes[key] ?? null) === JSON.stringify(value)) continue
          changes.push({ field: `cf.${key}`, label: labels.get(key) ?? key, from: current.attributes[key] ?? null, to: value })
          next.attributes[key] = value
        }
        toTag.push({ contactId: current.id, names: row.contact.tags })
        if (!changes.length) continue
        changed.push(next)
        out.updated.push({ contactId: current.id, changes: changes.map(({ field, from, to }) => ({ field, from, to })) })
        eventOf(current.id).changes = changes
      }
      if (changed.length) {
        await trx.rawQuery(
          `update contacts c set name = v.name, email = v.email, attributes = v.attributes::jsonb, updated_at = now()
           from (select * from jsonb_to_recordset(?::jsonb) as x(id bigint, name text, email text, attributes jsonb)) v
           where c.workspace_id = ? and c.id = v.id`,
          [JSON.stringify(changed), workspaceId]
        )
      }

      const tagged = await linkTags(trx, toTag, tags)
      for (const { contactId, tag } of tagged) {
        eventOf(contactId).tags.push({ tagId: tag.id, name: tag.name })
        out.tagged.push({ contactId, tagId: tag.id, tag: tag.name })
      }
      // One event per contact and import (not one per field and tag): a quarter of the rows an
      // import of new, tagged contacts wrote before (docs/crm-performance.md).
      if (events.size) {
        await trx.rawQuery(
          `insert into crm_contact_events (workspace_id, contact_id, actor_id, kind, data, created_at)
           select ?, e.contact_id, nullif(?, '')::int, 'import', e.data, now() from jsonb_to_recordset(?::jsonb) as e(contact_id bigint, data jsonb)`,
          [workspaceId, String(contactImport.userId ?? ''), JSON.stringify([...events].map(([contactId, data]) => ({ contact_id: contactId, data })))]
        )
      }
      return { created: out.created.length, updated: changed.length, skipped }
    }

    /** The tags the rows name, by lower-cased name, created when new (a tags column is how files carry them). */
    const tagsNamed = async (rows: Pending[]) => {
      const spelled = new Map(rows.flatMap((row) => row.contact.tags.map((name) => [name.toLowerCase(), name] as const)))
      const byName = new Map<string, TagRef>()
      if (!spelled.size) return byName
      const created = await db.rawQuery(
        `insert into crm_tags (workspace_id, name, color, created_at, updated_at)
         select ?, n, ?, now(), now() from unnest(?::text[]) as n on conflict (workspace_id, lower(name)) do nothing`,
        [workspaceId, NEW_TAG_COLOR, [...spelled.values()]]
      )
      // Not through the model: the list's cached tags must learn of new ones here (once a batch named one).
      if (created.rowCount) await forgetFilterContext(workspaceId)
      const tags = await db.from('crm_tags').where('workspace_id', workspaceId).whereRaw('lower(name) = any(?)', [[...spelled.keys()]]).select('id', 'name')
      for (const tag of tags) byName.set(tag.name.toLowerCase(), tag)
      return byName
    }

    /** Puts the chosen tags and those each row names on its contact; answers the links that are new. */
    const linkTags = async (trx: TransactionClientContract, wanted: { contactId: number; names: string[] }[], byName: Map<string, TagRef>) => {
      const links = wanted.flatMap(({ contactId, names: rowNames }) => {
        const tags = [...chosenTags.map((tag) => ({ id: tag.id, name: tag.name })), ...rowNames.map((name) => byName.get(name.toLowerCase())!).filter(Boolean)]
        return [...new Map(tags.map((tag) => [tag.id, tag])).values()].map((tag) => ({ contactId, tag }))
      })
      if (!links.length) return []
      const { rows } = await trx.rawQuery(
        `insert into crm_contact_tags (workspace_id, contact_id, tag_id, created_at)
         select ?, l.contact_id, l.tag_id, now() from jsonb_to_recordset(?::jsonb) as l(contact_id bigint, tag_id int)
         on conflict do nothing returning contact_id, tag_id`,
        [workspaceId, JSON.stringify(links.map(({ contactId, tag }) => ({ contact_id: contactId, tag_id: tag.id })))]
      )
      const added = new Set(rows.map((row: { contact_id: string; tag_id: number }) => `${row.contact_id}:${row.tag_id}`))
      return links.filter(({ contactId, tag }) => added.has(`${contactId}:${tag.id}`))
    }

    try {
      await readRows()
    } catch (error) {
      // The file breaks off (a ragged line): the good rows before it are imported, as the message says.
      if (error instanceof ImportFileError) await drain()
      throw error
    }
    async function readRows() {
      for await (const record of file.rows()) {
        line++
        const checked = await checker.check(record)
        if (!checked.contact) {
          failures.push({ line, record, reasons: checked.problems })
          contactImport.processed++
          continue
        }
        const first = seen.get(checked.contact.phone)
        if (first) {
          failures.push({ line, record, reasons: [i18n.t('crm.import.problems.duplicate', { line: first, phone: checked.contact.phone })] })
          contactImport.processed++
          continue
        }
        seen.set(checked.contact.phone, line)
        batch.push({ line, record, contact: checked.contact })
        if (batch.length >= BATCH_SIZE) await flush()
      }
    }
    await drain()
    contactImport.failedCount = failures.length
    contactImport.reportPath = await writeReport(contactImport, failures, i18n)
    await progress('done')
  } catch (error) {
    // The other batch in flight ends (committed or rolled back) before the failure is recorded.
    await Promise.allSettled(writing)
    const reason = error instanceof ImportFileError ? i18n.t(`crm.import.errors.${error.code}`, error.params) : (error as Error).message
    // A refused batch: the rows before it were written or reported, none after it (rows read
    // beyond it are neither counted nor reported).
    const stoppedAt = error instanceof BatchFailure ? error.line : line
    const reported = failures.filter((failure) => failure.line < stoppedAt)
    if (error instanceof BatchFailure) contactImport.processed = stoppedAt - 2
    contactImport.error = i18n.t('crm.import.stopped', { line: stoppedAt, reason })
    contactImport.failedCount = reported.length
    contactImport.reportPath = await writeReport(contactImport, reported, i18n, contactImport.error)
    await progress('failed')
    throw error
  }
}

/** The failed rows as they were in the file, with the line and the reasons first (UTF-8 with a BOM, for Excel). */
async function writeReport(contactImport: ContactImport, failures: Failure[], i18n: I18n, stopped?: string) {
  const rows = [[i18n.t('crm.import.report.row'), i18n.t('crm.import.report.reason'), ...contactImport.headers]]
  // In file order: a batch's "already exists" rows are found after later rows were read.
  for (const failure of failures.sort((a, b) => a.line - b.line)) rows.push([String(failure.line), failure.reasons.join('; '), ...failure.record])
  if (stopped) rows.push(['', stopped])
  const path = `workspaces/${contactImport.workspaceId}/crm/imports/report-${contactImport.id}-${randomUUID()}.csv`
  await drive.use().put(path, '\ufeff' + stringify(rows, { record_delimiter: 'windows' }), { contentType: 'text/csv' })
  return path
}
