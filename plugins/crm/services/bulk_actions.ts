import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import vine, { errors } from '@vinejs/vine'
import type { Infer, MessagesProviderContact } from '@vinejs/vine/types'
import { hooks } from '#hooks/bus'
import { jobs } from '#jobs/registry'
import type BulkAction from '#crm/models/bulk_action'
import type { BulkParams } from '#crm/models/bulk_action'
import Field from '#crm/models/field'
import Tag from '#crm/models/tag'
import type { ContactFilter } from '#crm/services/contact_filter'
import { loadFilterContext } from '#crm/services/filter_context'
import { contactBatches, countContacts } from '#crm/services/contact_list'
import { ownerChoices } from '#crm/services/contact_card'
import { validateFieldValues } from '#crm/services/field_values'
import { saveProgress } from '#crm/services/transfer_progress'
import { profileFields } from '#crm/validators/contact'
import type { bulkValidator } from '#crm/validators/bulk'
import { purgeContacts } from '#crm/jobs/purge_contacts'

/**
 * Bulk actions (README, "Bulk actions"): each batch of 1,000 contacts is one transaction of one
 * or two set-based statements (the change and its timeline events), whatever the action; hooks
 * are announced per changed contact after the batch commits, as an import does.
 */
const BULK_BATCH = 1000

/** How long a bulk delete can be undone before the purge job removes the contacts. */
export const UNDO_SECONDS = 30

const invalid = (field: string, message: string) => new errors.E_VALIDATION_ERROR([{ field, rule: 'bulk', message }])

/**
 * The action's argument checked against the workspace, as a single write checks it: a tag of
 * the workspace, an owner who may edit contacts, a field value through the same validators as
 * the card (`profileFields`, `validateFieldValues`). A 422 naming the field otherwise.
 */
export async function bulkParams(workspaceId: number, input: Infer<typeof bulkValidator>, messagesProvider?: MessagesProviderContact): Promise<BulkParams> {
  switch (input.action) {
    case 'tag':
    case 'untag': {
      const tag = await Tag.query().where('workspace_id', workspaceId).where('id', input.tagId!).first()
      if (!tag) throw invalid('tagId', 'There is no such tag')
      return { action: input.action, tagId: tag.id }
    }
    case 'owner': {
      const ownerId = input.ownerId ?? null
      if (ownerId && !(await ownerChoices(workspaceId)).some((owner) => owner.id === ownerId)) throw invalid('ownerId', 'The owner must be a member who may edit contacts')
      return { action: 'owner', ownerId }
    }
    case 'set_field': {
      const field = input.field!
      const raw = input.value === '' || input.value === undefined ? null : input.value
      if (field === 'name' || field === 'email') {
        const valid = await vine.validate({ schema: vine.object({ value: profileFields[field] }), data: { value: raw }, messagesProvider })
        return { action: 'set_field', field, value: field === 'email' ? (valid.value?.toLowerCase() ?? null) : valid.value }
      }
      const key = field.slice(3)
      // The bar has one value input: the field's problem is reported on it (worded with the field's label).
      const values = await validateFieldValues(await Field.ofWorkspace(workspaceId), { [key]: raw }, { partial: true, messagesProvider }).catch((error) => {
        if (!(error instanceof errors.E_VALIDATION_ERROR)) throw error
        throw new errors.E_VALIDATION_ERROR((error.messages as { field: string }[]).map((message) => ({ ...message, field: 'value' })))
      })
      return { action: 'set_field', field, value: values[key] }
    }
    default:
      return { action: input.action }
  }
}

/** One hook call per changed contact, made after the batch commits; a delete announces at its purge (`contact.deleted`). */
type Announce = () => Promise<unknown>

/** What a batch changed: how many contacts, and their announcements. */
interface BatchResult {
  changed: number
  announce: Announce[]
}

const announcing = (announce: Announce[]): BatchResult => ({ changed: announce.length, announce })

/** The timeline event each of `ids` gets, the same for all (a tag added or removed). */
function recordEvents(trx: TransactionClientContract, bulk: BulkAction, ids: number[], data: object) {
  if (!ids.length) return
  return trx.rawQuery(
    `insert into crm_contact_events (workspace_id, contact_id, actor_id, kind, data, created_at)
     select ?, id, ?, ?, ?::jsonb, now() from unnest(?::bigint[]) as id`,
    // The actor may be null (a member since removed): knex binds null as NULL.
    [bulk.workspaceId, bulk.userId, (data as { kind: string }).kind, JSON.stringify(data), ids] as any[]
  )
}

async function retag(trx: TransactionClientContract, bulk: BulkAction, ids: number[], tag: Tag, added: boolean) {
  const { rows } = added
    ? await trx.rawQuery(
        `insert into crm_contact_tags (workspace_id, contact_id, tag_id, created_at)
         select ?, id, ?, now() from unnest(?::bigint[]) as id on conflict do nothing returning contact_id`,
        [bulk.workspaceId, tag.id, ids]
      )
    : await trx.rawQuery('delete from crm_contact_tags where workspace_id = ? and tag_id = ? and contact_id = any(?::bigint[]) returning contact_id', [bulk.workspaceId, tag.id, ids])
  const changed = rows.map((row: { contact_id: string }) => Number(row.contact_id))
  await recordEvents(trx, bulk, changed, { kind: 'tag', tagId: tag.id, name: tag.name, added })
  const { workspaceId, userId: actorId } = bulk
  return announcing(changed.map((contactId: number) => () => hooks.emit('contact.tagged', { workspaceId, contactId, tagId: tag.id, tag: tag.name, added, actorId })))
}

/**
 * One column (or custom value) set on every contact of `ids` whose value differs, with a
 * timeline event per changed contact holding its old value — one statement: the old values
 * locked, the update, the events. `current` is the value as JSON, `assign` the SET clause; both
 * are fixed fragments of this file (a custom field's key is a binding).
 */
interface ColumnChange {
  current: string
  currentBindings: unknown[]
  assign: string
  assignBindings: unknown[]
  /** The new value as JSON (null: none), compared with `current`. */
  to: string | null
  /** The event's data built from `changed.v` (the old value). */
  event: string
  eventBindings: unknown[]
}

async function changeColumn(trx: TransactionClientContract, bulk: BulkAction, ids: number[], change: ColumnChange) {
  const { rows } = await trx.rawQuery(
    `with old as (
       select id, v from (select id, ${change.current} as v from contacts where workspace_id = ? and id = any(?::bigint[]) for update) locked
       where v is distinct from ?::jsonb
     ), changed as (
       update contacts c set ${change.assign}, updated_at = now() from old where c.workspace_id = ? and c.id = old.id returning c.id, old.v
     )
     insert into crm_contact_events (workspace_id, contact_id, actor_id, kind, data, created_at)
     select ?, changed.id, ?, ?, ${change.event}, now() from changed
     returning contact_id, data->'from' as "from"`,
    [
      ...change.currentBindings, bulk.workspaceId, ids, change.to,
      ...change.assignBindings, bulk.workspaceId,
      bulk.workspaceId, bulk.userId, bulk.action === 'opt_out' ? 'consent' : 'field', ...change.eventBindings,
    ] as any[]
  )
  return rows as { contact_id: string; from: unknown }[]
}

const FIELD_EVENT = `jsonb_build_object('kind', 'field', 'field', ?::text, 'label', ?::text, 'from', changed.v, 'to', ?::jsonb)`

/** Sets a built-in field (name, e-mail, owner) or a custom one (null clears it) on each of `ids`. */
async function setField(trx: TransactionClientContract, bulk: BulkAction, ids: number[], field: string, value: unknown, label: string) {
  const to = value === null ? null : JSON.stringify(value)
  const columns: Record<string, string> = { name: 'name', email: 'email', owner: 'owner_id' }
  const key = field.slice(3)
  const change: ColumnChange = columns[field]
    ? { current: `to_jsonb(${columns[field]})`, currentBindings: [], assign: `${columns[field]} = ?`, assignBindings: [value], to, event: FIELD_EVENT, eventBindings: [field, label, to] }
    : {
        current: 'attributes -> ?::text',
        currentBindings: [key],
        assign: value === null ? 'attributes = attributes - ?::text' : 'attributes = attributes || jsonb_build_object(?::text, ?::jsonb)',
        assignBindings: value === null ? [key] : [key, to],
        to,
        event: FIELD_EVENT,
        eventBindings: [field, label, to],
      }
  const rows = await changeColumn(trx, bulk, ids, change)
  const { workspaceId, userId: actorId } = bulk
  return announcing(rows.map(({ contact_id: id, from }): Announce => () => hooks.emit('contact.updated', { workspaceId, contactId: Number(id), changes: [{ field, from, to: value }], actorId })))
}

/** Opts each of `ids` out (source "bulk"); those already opted out are left as they are. */
async function optOut(trx: TransactionClientContract, bulk: BulkAction, ids: number[]) {
  const rows = await changeColumn(trx, bulk, ids, {
    current: 'to_jsonb(opt_in_status)',
    currentBindings: [],
    assign: `opt_in_status = 'opted_out', opt_in_source = 'bulk', opt_in_at = now()`,
    assignBindings: [],
    to: JSON.stringify('opted_out'),
    event: `jsonb_build_object('kind', 'consent', 'from', changed.v, 'to', 'opted_out', 'source', 'bulk')`,
    eventBindings: [],
  })
  const { workspaceId, userId: actorId } = bulk
  return announcing(rows.map(({ contact_id: id, from }): Announce => () => hooks.emit('contact.updated', { workspaceId, contactId: Number(id), changes: [{ field: 'opt_in', from, to: 'opted_out' }], actorId })))
}

/** Hides each of `ids` (the mark of this bulk delete): undone by clearing it, or purged after the window. Nothing to announce yet. */
async function softDelete(trx: TransactionClientContract, bulk: BulkAction, ids: number[]) {
  const { rows } = await trx.rawQuery('update contacts set hidden_by = ? where workspace_id = ? and id = any(?::bigint[]) and hidden_by is null returning id', [bulk.id, bulk.workspaceId, ids])
  return { changed: rows.length as number, announce: [] }
}

/** The batch step of the bulk action, with what it needs loaded once (the tag, the field's label). */
async function stepOf(bulk: BulkAction): Promise<(trx: TransactionClientContract, ids: number[]) => Promise<BatchResult>> {
  const params = bulk.params
  switch (params.action) {
    case 'tag':
    case 'untag': {
      // Deleted since it was queued: the job fails saying so.
      const tag = await Tag.query().where('workspace_id', bulk.workspaceId).where('id', params.tagId).firstOrFail()
      return (trx, ids) => retag(trx, bulk, ids, tag, params.action === 'tag')
    }
    case 'set_field': {
      const field = params.field.startsWith('cf.') ? (await Field.ofWorkspace(bulk.workspaceId)).find((one) => one.key === params.field.slice(3)) : null
      if (params.field.startsWith('cf.') && !field) throw new Error(`The field ${params.field} was deleted`)
      return (trx, ids) => setField(trx, bulk, ids, params.field, params.value, field?.label ?? params.field)
    }
    case 'owner':
      return (trx, ids) => setField(trx, bulk, ids, 'owner', params.ownerId, 'owner')
    case 'opt_out':
      return (trx, ids) => optOut(trx, bulk, ids)
    case 'delete':
      return (trx, ids) => softDelete(trx, bulk, ids)
  }
}

/**
 * Runs a bulk action over its contacts, 1,000 at a time by id (contactBatches: each batch one
 * index range, constant memory), saving and broadcasting its progress after each batch. A delete
 * then queues the purge for when its undo window ends.
 */
export async function runBulk(bulk: BulkAction) {
  const workspaceId = bulk.workspaceId
  const progress = (status: BulkAction['status']) => saveProgress(bulk, 'bulk', status)
  try {
    const context = await loadFilterContext(workspaceId)
    const query = { q: bulk.query.q, filter: (bulk.query.filter ?? null) as ContactFilter | null, ids: bulk.query.ids }
    const step = await stepOf(bulk)
    bulk.total = await countContacts(workspaceId, context, query)
    await progress('running')
    for await (const rows of contactBatches(workspaceId, context, query, BULK_BATCH, (batch) => batch.select('ct.id'))) {
      const { changed, announce } = await db.transaction((trx) => step(trx, rows.map((row) => Number(row.id))))
      for (const emit of announce) await emit()
      bulk.processed += rows.length
      bulk.changed += changed
      await progress('running')
    }
    if (bulk.action === 'delete') await jobs.dispatch(purgeContacts, { workspaceId, bulkId: bulk.id }, { delay: UNDO_SECONDS * 1000 })
    await progress('done')
  } catch (error) {
    bulk.error = (error as Error).message
    await progress('failed')
    throw error
  }
}
