import db from '@adonisjs/lucid/services/db'
import type Field from '#crm/models/field'

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

/** The columns this member picked (still existing ones, in their order), or the default. */
export async function columnsOf(workspaceId: number, userId: number, fields: Field[]) {
  const row = await db.from('crm_list_columns').where({ workspace_id: workspaceId, user_id: userId }).select('columns').first()
  const known = new Set(columnChoices(fields).map((choice) => choice.key))
  const picked = ((row?.columns as string[] | undefined) ?? DEFAULT_COLUMNS).filter((key) => known.has(key))
  return picked
}

/** Saves the member's columns for this workspace (unknown keys are dropped). */
export async function saveColumns(workspaceId: number, userId: number, fields: Field[], columns: string[]) {
  const known = new Set(columnChoices(fields).map((choice) => choice.key))
  const kept = [...new Set(columns)].filter((key) => known.has(key))
  await db.rawQuery(
    'insert into crm_list_columns (workspace_id, user_id, columns) values (?, ?, ?::jsonb) on conflict (workspace_id, user_id) do update set columns = excluded.columns',
    [workspaceId, userId, JSON.stringify(kept)]
  )
  return kept
}
