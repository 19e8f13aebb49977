import db from '@adonisjs/lucid/services/db'
import Field, { type FieldType } from '#crm/models/field'

export interface NewField {
  key: string
  label: string
  type: FieldType
  options?: string[]
  required?: boolean
}

const SELECTS: FieldType[] = ['select', 'multiselect']

/** A new custom field, last in the order. Options are kept only for selects. */
export async function createField(workspaceId: number, input: NewField) {
  const [{ max }] = await db.from('crm_fields').where('workspace_id', workspaceId).max('position as max')
  return Field.create({
    workspaceId,
    key: input.key,
    label: input.label,
    type: input.type,
    options: SELECTS.includes(input.type) ? (input.options ?? []) : [],
    required: input.required ?? false,
    position: (Number(max) || 0) + 1,
  })
}

/**
 * Changes a field's label, options, required flag. Its key and type never change: stored values
 * were validated for that type. An option taken away stays on the contacts that have it until
 * their value is next edited (then it must be one of the current options).
 */
export async function updateField(field: Field, input: { label: string; options?: string[]; required?: boolean }) {
  field.merge({ label: input.label, required: input.required ?? false })
  if (SELECTS.includes(field.type) && input.options) field.options = input.options
  await field.save()
  return field
}

/** Deletes a field and its values from every contact of the workspace (a new field with the same key starts empty). */
export async function deleteField(field: Field) {
  await db.transaction(async (trx) => {
    await trx.rawQuery('update contacts set attributes = attributes - ? where workspace_id = ? and attributes->? is not null', [field.key, field.workspaceId, field.key])
    await field.useTransaction(trx).delete()
  })
}
