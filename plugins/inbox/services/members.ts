import db from '@adonisjs/lucid/services/db'
import { abilities, type Role } from '#access/roles'

interface Member {
  id: number
  name: string
  role: Role
  /** Their "away" switch (services/presence.ts), read with them: the assign menu's dots need it. */
  away: boolean
}

/** The workspace's members with their role, by name (of `ids` only, when given). */
async function membersOf(workspaceId: number, ids?: number[]): Promise<Member[]> {
  const query = db
    .from('memberships as m')
    .join('users as u', 'u.id', 'm.user_id')
    .leftJoin('inbox_agent_preferences as p', 'p.user_id', 'm.user_id')
    .where('m.workspace_id', workspaceId)
    .select('u.id', 'u.full_name', 'm.role', 'p.away')
    .orderBy('u.full_name')
  if (ids) query.whereIn('u.id', ids)
  const rows = await query
  return rows.map((row) => ({ id: row.id, name: row.full_name, role: row.role, away: row.away === true }))
}

const allowed = (members: Member[], ability: string) => members.filter((member) => abilities.allows(member.role, ability))

/** Those of `members` whose role has `ability`. */
const whoCan = (members: Member[], ability: string) => allowed(members, ability).map(({ id, name }) => ({ id, name }))

/** Those who may reply, with their away switch: whom conversations can be assigned to. */
const assignable = (members: Member[]) => allowed(members, 'inbox.reply').map(({ id, name, away }) => ({ id, name, away }))

/** The members conversations can be assigned to (those who may reply), by name. */
export async function assignableMembers(workspaceId: number) {
  return assignable(await membersOf(workspaceId))
}

/** The members a note can mention: those who can read it (inbox.view); of `ids` only, when given. */
export async function mentionableMembers(workspaceId: number, ids?: number[]) {
  return whoCan(await membersOf(workspaceId, ids), 'inbox.view')
}

/** Both lists a conversation page offers, from one query. */
export async function memberChoices(workspaceId: number) {
  const members = await membersOf(workspaceId)
  return { assignable: assignable(members), mentionable: whoCan(members, 'inbox.view') }
}

/** Can conversations of the workspace be assigned to `userId`? */
export async function isAssignable(workspaceId: number, userId: number) {
  return whoCan(await membersOf(workspaceId, [userId]), 'inbox.reply').length > 0
}
