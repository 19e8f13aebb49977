import db from '@adonisjs/lucid/services/db'
import { abilities, ROLES } from '#access/roles'

/** Roles whose members may be given conversations: those that may reply. */
const assignableRoles = () => ROLES.filter((role) => abilities.allows(role, 'inbox.reply'))

/** The members conversations can be assigned to, by name. */
export async function assignableMembers(workspaceId: number): Promise<{ id: number; name: string }[]> {
  const rows = await db
    .from('memberships as m')
    .join('users as u', 'u.id', 'm.user_id')
    .where('m.workspace_id', workspaceId)
    .whereIn('m.role', assignableRoles())
    .select('u.id', 'u.full_name')
    .orderBy('u.full_name')
  return rows.map((row) => ({ id: row.id, name: row.full_name }))
}

/** Can conversations of the workspace be assigned to `userId`? */
export async function isAssignable(workspaceId: number, userId: number) {
  const row = await db.from('memberships').where('workspace_id', workspaceId).where('user_id', userId).whereIn('role', assignableRoles()).first()
  return !!row
}
