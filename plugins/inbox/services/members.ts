import db from '@adonisjs/lucid/services/db'
import { abilities, ROLES } from '#access/roles'

const rolesThatCan = (ability: string) => ROLES.filter((role) => abilities.allows(role, ability))

/** The workspace's members whose role has `ability`, by name (of `ids` only, when given). */
async function membersWhoCan(workspaceId: number, ability: string, ids?: number[]): Promise<{ id: number; name: string }[]> {
  const query = db
    .from('memberships as m')
    .join('users as u', 'u.id', 'm.user_id')
    .where('m.workspace_id', workspaceId)
    .whereIn('m.role', rolesThatCan(ability))
    .select('u.id', 'u.full_name')
    .orderBy('u.full_name')
  if (ids) query.whereIn('u.id', ids)
  const rows = await query
  return rows.map((row) => ({ id: row.id, name: row.full_name }))
}

/** The members conversations can be assigned to (those who may reply), by name. */
export function assignableMembers(workspaceId: number) {
  return membersWhoCan(workspaceId, 'inbox.reply')
}

/** The members a note can mention: those who can read it (inbox.view); of `ids` only, when given. */
export function mentionableMembers(workspaceId: number, ids?: number[]) {
  return membersWhoCan(workspaceId, 'inbox.view', ids)
}

/** Can conversations of the workspace be assigned to `userId`? */
export async function isAssignable(workspaceId: number, userId: number) {
  return (await membersWhoCan(workspaceId, 'inbox.reply', [userId])).length > 0
}
