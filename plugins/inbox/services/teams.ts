import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import Conversation from '#messaging/models/conversation'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'

export interface TeamView {
  id: number
  name: string
  members: { id: number; name: string }[]
  memberIds: number[]
}

/**
 * The workspace's teams by name, each with its members by name. Only people who are still
 * members of the workspace count (a team row of someone who left is ignored until
 * `member.removed` deletes it).
 */
export async function teamsOf(workspaceId: number): Promise<TeamView[]> {
  const [teams, members] = await Promise.all([
    teamChoices(workspaceId),
    db
      .from('inbox_team_members as tm')
      .join('memberships as m', (join) => join.on('m.user_id', 'tm.user_id').andOn('m.workspace_id', 'tm.workspace_id'))
      .join('users as u', 'u.id', 'tm.user_id')
      .where('tm.workspace_id', workspaceId)
      .orderBy('u.full_name')
      .select('tm.team_id', 'u.id', 'u.full_name'),
  ])
  return teams.map((team) => {
    const own = members.filter((member) => member.team_id === team.id).map((member) => ({ id: member.id as number, name: member.full_name as string }))
    return { id: team.id, name: team.name, members: own, memberIds: own.map((member) => member.id) }
  })
}

/** User ids of the team's members (still members of the workspace). */
export async function teamMemberIds(workspaceId: number, teamId: number, client: typeof db | TransactionClientContract = db) {
  const rows = await client
    .from('inbox_team_members as tm')
    .join('memberships as m', (join) => join.on('m.user_id', 'tm.user_id').andOn('m.workspace_id', 'tm.workspace_id'))
    .where('tm.workspace_id', workspaceId)
    .where('tm.team_id', teamId)
    .select('tm.user_id')
  return rows.map((row) => row.user_id as number)
}

/** The conversation's team, or null. */
export async function teamOfConversation(workspaceId: number, conversationId: number, client: typeof db | TransactionClientContract = db) {
  const row = await client
    .from('inbox_conversation_teams as ct')
    .join('inbox_teams as t', 't.id', 'ct.team_id')
    .where('ct.workspace_id', workspaceId)
    .where('ct.conversation_id', conversationId)
    .select('t.id', 't.name')
    .first()
  return row ? { id: row.id as number, name: row.name as string } : null
}

/** The workspace's teams by name (the assign menu's) and the one the conversation is with, in one query. */
export async function teamsAround(workspaceId: number, conversationId: number) {
  const rows = await db
    .from('inbox_teams as t')
    .leftJoin('inbox_conversation_teams as ct', (join) =>
      join.on('ct.team_id', 't.id').andOnVal('ct.workspace_id', workspaceId).andOnVal('ct.conversation_id', conversationId)
    )
    .where('t.workspace_id', workspaceId)
    .orderByRaw('lower(t.name)')
    .select('t.id', 't.name', 'ct.conversation_id')
  const own = rows.find((row) => row.conversation_id !== null)
  return { teams: rows.map((row) => ({ id: row.id as number, name: row.name as string })), team: own ? { id: own.id as number, name: own.name as string } : null }
}

/** Puts the conversation in `teamId`'s hands, or takes it from every team (null). */
export async function setConversationTeam(workspaceId: number, conversationId: number, teamId: number | null, client: typeof db | TransactionClientContract = db) {
  if (teamId === null) {
    await client.from('inbox_conversation_teams').where('workspace_id', workspaceId).where('conversation_id', conversationId).delete()
    return
  }
  await client.rawQuery(
    `insert into inbox_conversation_teams (workspace_id, conversation_id, team_id) values (?, ?, ?)
     on conflict (workspace_id, conversation_id) do update set team_id = excluded.team_id`,
    [workspaceId, conversationId, teamId]
  )
}

/**
 * Other plugins reach teams through messaging's hooks (they may not import the inbox): the
 * choices for a picker, and an assignment by team (a bot's handoff) checked and announced by
 * `assignConversation` as the inbox's own.
 */
export function tapTeamRouting(plugin: string) {
  hooks.tap('conversation.teams', { plugin }, ({ workspaceId }) => teamChoices(workspaceId))
  hooks.tap('conversation.assign', { plugin }, async ({ workspaceId, conversationId, assigneeId, teamId, actorId }) => {
    // Imported when used: the action imports this module.
    const { assignConversation } = await import('#inbox/actions/assign_conversation')
    const conversation = await Conversation.findInWorkspace(workspaceId, conversationId)
    await assignConversation({ conversation, assigneeId, teamId, actorId })
    return { assigneeId: conversation.assigneeId, teamId: (await teamOfConversation(workspaceId, conversationId))?.id ?? null }
  })
}

/** Someone who leaves the workspace leaves its teams. */
export function tapTeamMembers(plugin: string) {
  hooks.tap('member.removed', { plugin }, async ({ workspaceId, userId }) => {
    await db.from('inbox_team_members').where('workspace_id', workspaceId).where('user_id', userId).delete()
  })
}

/** The workspace's teams by name (id, name): the assign menu and the list's filter. */
export function teamChoices(workspaceId: number): Promise<{ id: number; name: string }[]> {
  return db.from('inbox_teams').where('workspace_id', workspaceId).orderByRaw('lower(name)').select('id', 'name')
}
