import vine from '@vinejs/vine'

const int4Id = vine.number().withoutDecimals().positive().max(2_147_483_647)

/** Free in the workspace (whatever its case), but for the team being renamed. Needs meta `{ workspaceId, teamId? }`. */
const teamName = vine
  .string()
  .trim()
  .minLength(1)
  .maxLength(60)
  .unique(async (db, value, field) => {
    const query = db.from('inbox_teams').where('workspace_id', field.meta.workspaceId).whereRaw('lower(name) = lower(?)', [value])
    if (field.meta.teamId) query.whereNot('id', field.meta.teamId)
    return !(await query.first())
  })

/** A team: its name and members (user ids of members who may reply; none is allowed). */
export const teamValidator = vine.withMetaData<{ workspaceId: number; teamId?: number }>().compile(
  vine.object({
    name: teamName,
    members: vine.array(int4Id).maxLength(500).optional(),
  })
)
