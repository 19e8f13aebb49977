import db from '@adonisjs/lucid/services/db'
import type Field from '#crm/models/field'
import { ProcessCache } from '#core/process_cache'

/** The list's optional columns (the name is always shown); custom fields add `cf.<key>`. */
const BUILT_IN_COLUMNS = ['phone', 'email', 'tags', 'opt_in', 'owner', 'conversations', 'last_seen', 'created'] as const
const DEFAULT_COLUMNS = ['phone', 'email', 'tags', 'opt_in', 'last_seen']

/** Every column a member of this workspace may pick: key and label (an i18n key for built-ins). */
export function columnChoices(fields: Field[]) {
  return [
    ...BUILT_IN_COLUMNS.map((key) => ({ key, label: null as string | null })),
    ...fields.map((field) => ({ key: `cf.${field.key}`, label: field.label as string | null })),
  ]
}

/** What each member picked, read on every request of the list; `saveColumns` forgets it (its only writer). */
const pickedColumns = new ProcessCache<string[] | null>('crm.list_columns', { ttlMs: 30_000, maxEntries: 10_000 })

/** The columns this member picked (still existing ones, in their order), or the default. */
export async function columnsOf(workspaceId: number, userId: number, fields: Field[]) {
  const picked = await pickedColumns.get(`${workspaceId}:${userId}`, async () => {
    const row = await db.from('crm_list_columns').where({ workspace_id: workspaceId, user_id: userId }).select('columns').first()
    return (row?.columns as string[] | undefined) ?? null
  })
  const known = new Set(columnChoices(fields).map((choice) => choice.key))
  return (picked ?? DEFAULT_COLUMNS).filter((key) => known.has(key))
}

/** Saves the member's columns for this workspace (unknown keys are dropped). */
export async function saveColumns(workspaceId: number, userId: number, fields: Field[], columns: string[]) {
  const known = new Set(columnChoices(fields).map((choice) => choice.key))
  const kept = [...new Set(columns)].filter((key) => known.has(key))
  await db.rawQuery(
    'insert into crm_list_columns (workspace_id, user_id, columns) values (?, ?, ?::jsonb) on conflict (workspace_id, user_id) do update set columns = excluded.columns',
    [workspaceId, userId, JSON.stringify(kept)]
  )
  await pickedColumns.forget(`${workspaceId}:${userId}`)
  return kept
}
