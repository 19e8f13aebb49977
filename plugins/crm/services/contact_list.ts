import db from '@adonisjs/lucid/services/db'
import { orContactMatches, escapeLike, phonePrefixPattern } from '#messaging/services/contact_search'
import { compileFilter, type ContactFilter, type FilterContext } from '#crm/services/contact_filter'

/**
 * The sorts the list offers: each is served by a btree (workspace_id, key, id) of the CRM's
 * migration, so a page is an index range scan whatever its depth (keyset pagination). A sort
 * without such an index (a custom field, the conversation count) would read and sort every
 * matching contact: not offered.
 */
const SORTS = {
  created: { expression: 'ct.created_at', type: 'timestamptz' },
  last_seen: { expression: `coalesce(ct.last_seen_at, '-infinity'::timestamptz)`, type: 'timestamptz' },
  name: { expression: 'lower(coalesce(ct.name, ct.profile_name, ct.phone))', type: 'text' },
} as const

export type SortKey = keyof typeof SORTS
export const SORT_KEYS = Object.keys(SORTS) as SortKey[]

const PAGE_SIZE = 50

export interface ContactQuery {
  /** Free text: name or profile name, phone digits, e-mail, or any custom field's value. */
  q?: string
  filter?: ContactFilter | null
  /** Only these contacts (a bulk action's or an export's checked rows). */
  ids?: number[]
}

export interface ListQuery extends ContactQuery {
  sort?: SortKey
  dir?: 'asc' | 'desc'
  cursor?: string
}

/**
 * The workspace's contacts that match a search and a filter, as a query over `contacts as ct`
 * (select what you need): the list, counts and segments all start here.
 */
export function matchingContacts(workspaceId: number, context: FilterContext, { q, filter, ids }: ContactQuery) {
  // Contacts a bulk delete hid (its undo window is open) are gone for the CRM.
  const query = db.from('contacts as ct').where('ct.workspace_id', workspaceId).whereNull('ct.hidden_by')
  if (ids) query.whereRaw('ct.id = any(?::bigint[])', [ids])
  if (filter) {
    const condition = compileFilter(filter, context)
    query.whereRaw(condition.sql, condition.bindings)
  }
  const prefix = q ? phonePrefixPattern(q) : null
  if (prefix) {
    query.whereLike('ct.phone', prefix)
  } else if (q) {
    const like = `%${escapeLike(q)}%`
    query.where((match) => {
      orContactMatches(match, q, 'ct.')
        .orWhereILike('ct.email', like)
        .orWhereRaw('crm_attribute_text(ct.attributes) ilike ?', [like])
    })
  }
  return query
}

/** The cursor: the last row's sort key and id, opaque in the URL. */
const encodeCursor = (key: string, id: number) => Buffer.from(JSON.stringify([key, id])).toString('base64url')

function decodeCursor(cursor: string): [string, number] | null {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString())
    return Array.isArray(value) && typeof value[0] === 'string' && Number.isSafeInteger(value[1]) ? [value[0], value[1]] : null
  } catch {
    return null
  }
}

export interface ContactRow {
  id: number
  name: string | null
  profile_name: string | null
  phone: string
  email: string | null
  opt_in_status: string
  last_seen_at: Date | null
  created_at: Date
  conversation_count: number
  attributes: Record<string, unknown>
  owner_name: string | null
  sort_key: string
  tags: TagChip[]
}

export type TagChip = { id: number; name: string; color: string }

/**
 * The tags of the row `ct` as a JSON array of { id, name, color } by name, for a select list: the
 * rows' tags in their own query, not in a second one. Evaluated per returned row only (after the
 * limit, or after the sort when the plan sorts: PostgreSQL postpones costly select items past it).
 */
export const ROW_TAGS = `coalesce((
  select json_agg(json_build_object('id', t.id, 'name', t.name, 'color', t.color) order by lower(t.name))
  from crm_contact_tags ctg join crm_tags t on t.id = ctg.tag_id
  where ctg.workspace_id = ct.workspace_id and ctg.contact_id = ct.id
), '[]') as tags`

/** One page of contacts, with each row's tags, and the cursor of the next page (null on the last). */
export async function listContacts(workspaceId: number, context: FilterContext, query: ListQuery) {
  const sort = SORTS[query.sort ?? 'created']
  const dir = query.dir ?? (query.sort === 'name' ? 'asc' : 'desc')
  const rows = matchingContacts(workspaceId, context, query)
    .leftJoin('users as u', 'u.id', 'ct.owner_id')
    .select(
      'ct.id', 'ct.name', 'ct.profile_name', 'ct.phone', 'ct.email', 'ct.opt_in_status', 'ct.last_seen_at', 'ct.created_at',
      'ct.conversation_count', 'ct.attributes', 'u.full_name as owner_name',
      db.raw(`(${sort.expression})::text as sort_key`),
      db.raw(ROW_TAGS)
    )
    .orderByRaw(`${sort.expression} ${dir}, ct.id ${dir}`)
    .limit(PAGE_SIZE + 1)
  const after = query.cursor ? decodeCursor(query.cursor) : null
  if (after) rows.whereRaw(`(${sort.expression}, ct.id) ${dir === 'desc' ? '<' : '>'} (?::${sort.type}, ?::bigint)`, after)

  const found = (await rows) as ContactRow[]
  const page = found.slice(0, PAGE_SIZE)
  const last = page.at(-1)
  return { rows: page, cursor: found.length > PAGE_SIZE && last ? encodeCursor(last.sort_key, last.id) : null }
}

/**
 * The matches in batches of `size`, by id: each batch is one index range after the last id, so
 * a million cost the same per batch as the first and memory stays constant. `select` picks the
 * columns (and joins) of a batch; `ct.id` must be among them. A contact that joins or leaves
 * while it runs is in or out by the time its id is reached.
 */
export async function* contactBatches<Row extends { id: number | string }>(
  workspaceId: number,
  context: FilterContext,
  query: ContactQuery,
  size: number,
  select: (batch: ReturnType<typeof matchingContacts>) => Promise<Row[]>
): AsyncGenerator<Row[]> {
  let after = 0
  let more = true
  while (more) {
    const rows = await select(matchingContacts(workspaceId, context, query).where('ct.id', '>', after).orderBy('ct.id').limit(size))
    if (!rows.length) return
    // Taken before the yield: nothing here refers to the batch once it is handed over.
    more = rows.length === size
    after = Number(rows.at(-1)!.id)
    yield rows
  }
}

/** How many contacts match, exactly (an export's total; a segment's size for other plugins). */
export async function countContacts(workspaceId: number, context: FilterContext, query: ContactQuery) {
  const [row] = await matchingContacts(workspaceId, context, query).count('* as count')
  return Number(row.count)
}

/**
 * Up to this many matches a shown count is exact; past it, an estimate. An exact count reads every
 * match: about a second for a third of a million contacts, while counting to 1,000 stops early.
 */
export const EXACT_COUNT_UP_TO = 1000

/**
 * The count a page shows (the list's total, a segment's size): exact up to EXACT_COUNT_UP_TO;
 * beyond, the planner's estimate of the matches, rounded to two significant digits ("≈ 75,000"),
 * never below the bound it passed. docs/crm-performance.md, "Counts".
 */
export async function shownCount(workspaceId: number, context: FilterContext, query: ContactQuery) {
  const matching = matchingContacts(workspaceId, context, query).select(db.raw('1'))
  const [row] = await db.from(matching.clone().limit(EXACT_COUNT_UP_TO + 1).as('m')).count('* as count')
  const count = Number(row.count)
  if (count <= EXACT_COUNT_UP_TO) return { count, exact: true }
  const { sql: text, bindings } = matching.toSQL()
  const { rows } = await db.rawQuery(`explain (format json) ${text}`, bindings as any[])
  const estimate = Number(rows[0]['QUERY PLAN'][0].Plan['Plan Rows'])
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(estimate, 1))) - 1)
  return { count: Math.max(EXACT_COUNT_UP_TO + 1, Math.round(estimate / magnitude) * magnitude), exact: false }
}

/** The tags of these contacts, by contact id, by name. */
export async function tagsOf(workspaceId: number, contactIds: number[]) {
  const byContact = new Map<number, TagChip[]>()
  if (!contactIds.length) return byContact
  const rows = await db
    .from('crm_contact_tags as ctg')
    .join('crm_tags as t', 't.id', 'ctg.tag_id')
    .where('ctg.workspace_id', workspaceId)
    .whereIn('ctg.contact_id', contactIds)
    .orderByRaw('lower(t.name)')
    .select('ctg.contact_id', 't.id', 't.name', 't.color')
  for (const row of rows) {
    const list = byContact.get(row.contact_id) ?? []
    list.push({ id: row.id, name: row.name, color: row.color })
    byContact.set(row.contact_id, list)
  }
  return byContact
}
