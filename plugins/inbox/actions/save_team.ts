import db from '@adonisjs/lucid/services/db'
import { Refusal } from '#messaging/services/refusal'
import Team from '#inbox/models/team'
import { assignableMembers } from '#inbox/services/members'

export interface SaveTeamOptions {
  workspaceId: number
  /** The team to rename and re-staff; none: a new team. */
  team?: Team
  name: string
  /** User ids of members who may reply (the people conversations can be assigned to). */
  members: number[]
}

/** Creates a team, or renames one and sets its members, in one transaction. */
export async function saveTeam({ workspaceId, team, name, members }: SaveTeamOptions) {
  const wanted = [...new Set(members)]
  const allowed = new Set((await assignableMembers(workspaceId)).map((member) => member.id))
  if (wanted.some((id) => !allowed.has(id))) throw new Refusal('Only members who can reply can be in a team', 'members')

  return db.transaction(async (trx) => {
    const saved = team ?? new Team()
    saved.useTransaction(trx)
    await saved.merge({ workspaceId, name }).save()
    await trx.from('inbox_team_members').where('workspace_id', workspaceId).where('team_id', saved.id).delete()
    if (wanted.length) {
      await trx.table('inbox_team_members').multiInsert(wanted.map((userId) => ({ workspace_id: workspaceId, team_id: saved.id, user_id: userId })))
    }
    return saved
  })
}
