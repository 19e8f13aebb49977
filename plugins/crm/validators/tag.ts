import vine from '@vinejs/vine'

/**
 * A tag: a name unique in the workspace whatever its case, a #rrggbb colour. The validation's
 * meta carries `workspaceId` and, when renaming, the tag's `id`.
 */
export const saveTagValidator = vine
  .withMetaData<{ workspaceId: number; id?: number }>()
  .compile(
    vine.object({
      name: vine
        .string()
        .trim()
        .minLength(1)
        .maxLength(60)
        .unique(async (db, value, field) => {
          const taken = await db
            .from('crm_tags')
            .where('workspace_id', field.meta.workspaceId)
            .whereRaw('lower(name) = lower(?)', [value])
            .whereNot('id', field.meta.id ?? 0)
            .first()
          return !taken
        }),
      color: vine.string().trim().regex(/^#[0-9a-fA-F]{6}$/),
    })
  )
