import vine from '@vinejs/vine'
import { FIELD_TYPES } from '#crm/models/field'

const label = vine.string().trim().minLength(1).maxLength(80)
// One option per line (a form's textarea) or a list (the API).
const options = vine
  .array(vine.string().trim().minLength(1).maxLength(80))
  .distinct()
  .maxLength(200)
  .parse((value) => (typeof value === 'string' ? value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean) : value))
  .optional()

/** A new custom field; meta carries `workspaceId` (the key is unique in it). Key and type never change afterwards. */
export const storeFieldValidator = vine.withMetaData<{ workspaceId: number }>().compile(
  vine.object({
    key: vine
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z][a-z0-9_]{0,39}$/)
      .unique(async (db, value, field) => !(await db.from('crm_fields').where('workspace_id', field.meta.workspaceId).where('key', value).first())),
    label,
    type: vine.enum(FIELD_TYPES),
    options: options.clone().requiredWhen('type', 'in', ['select', 'multiselect']),
    required: vine.boolean().optional(),
  })
)

/** Changing a custom field: its label, options and required flag. */
export const updateFieldValidator = vine.compile(
  vine.object({
    label,
    options: options.clone(),
    required: vine.boolean().optional(),
  })
)
