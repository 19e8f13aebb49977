import vine from '@vinejs/vine'

/** A segment: a name unique in the workspace (any case) and the filter (JSON, parsed by validators/filter.ts). Meta: workspaceId. */
export const storeSegmentValidator = vine.withMetaData<{ workspaceId: number }>().compile(
  vine.object({
    name: vine
      .string()
      .trim()
      .minLength(1)
      .maxLength(80)
      .unique(async (db, value, field) => !(await db.from('crm_segments').where('workspace_id', field.meta.workspaceId).whereRaw('lower(name) = lower(?)', [value]).first())),
    filter: vine.string().maxLength(8000),
  })
)
