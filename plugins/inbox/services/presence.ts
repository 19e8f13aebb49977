import redis from '@adonisjs/redis/services/main'
import db from '@adonisjs/lucid/services/db'
import { announce } from '#inbox/services/live'

/**
 * Agent presence: online while a page of the workspace's admin pings (every 20 s; see
 * partials/presence_menu.edge), offline a minute after the last ping (a closed tab, a lost
 * network), away when the agent says so. Pings touch only Redis: a sorted set per workspace of
 * user id → time of the last ping, pruned as it is written and expiring with the last ping.
 * "Away" is the agent's own switch (inbox_agent_preferences), whatever the workspace.
 * A change (coming online, lapsing offline, away and back) is pushed to the workspace's open
 * inboxes (announcePresence); a ping that changes nothing is not.
 */
export type Presence = 'online' | 'away' | 'offline'

/** A ping older than this is an agent gone offline. */
export const PRESENCE_WINDOW_MS = 60_000

const onlineKey = (workspaceId: number) => `inbox:online:${workspaceId}`

/**
 * The agent's page pinged; true when they were offline until now (they came online). The agents
 * whose last ping lapsed are pruned here, atomically, so each lapse is announced once (by
 * whichever page pings next: someone is watching only if someone pings).
 */
export async function ping(workspaceId: number, userId: number) {
  const now = Date.now()
  const key = onlineKey(workspaceId)
  const results = await redis
    .multi()
    .zrangebyscore(key, '-inf', now - PRESENCE_WINDOW_MS)
    .zremrangebyscore(key, '-inf', now - PRESENCE_WINDOW_MS)
    .zadd(key, now, String(userId))
    .pexpire(key, PRESENCE_WINDOW_MS)
    .exec()
  const lapsed = (results?.[0]?.[1] as string[] | undefined) ?? []
  const cameOnline = results?.[2]?.[1] === 1
  for (const id of lapsed) if (Number(id) !== userId) announcePresence(workspaceId, Number(id))
  if (cameOnline) announcePresence(workspaceId, userId)
  return cameOnline
}

/** The agent's presence changed: open inboxes update the dots of their assign menus (live.js). */
export function announcePresence(workspaceId: number, userId: number) {
  announce(workspaceId, { presence: userId })
}

/** The agent signed out or closed the admin: offline at once. */
export async function leave(workspaceId: number, userId: number) {
  await redis.zrem(onlineKey(workspaceId), String(userId))
}

/** User ids with a page of the workspace open (online or away). */
export async function connectedIds(workspaceId: number) {
  const ids = await redis.zrangebyscore(onlineKey(workspaceId), Date.now() - PRESENCE_WINDOW_MS, '+inf')
  return ids.map(Number)
}

/** Of `ids`, those who switched to away. */
async function awayIds(ids: number[]) {
  if (!ids.length) return new Set<number>()
  const rows = await db.from('inbox_agent_preferences').whereIn('user_id', ids).where('away', true).select('user_id')
  return new Set(rows.map((row) => row.user_id as number))
}

/** Each of `userIds`' presence in the workspace. */
export async function presenceOf(workspaceId: number, userIds: number[]): Promise<Map<number, Presence>> {
  const wanted = new Set(userIds)
  const connected = (await connectedIds(workspaceId)).filter((id) => wanted.has(id))
  const away = await awayIds(connected)
  const online = new Set(connected)
  return new Map(userIds.map((id) => [id, online.has(id) ? (away.has(id) ? 'away' : 'online') : 'offline']))
}

/** The presence of members read with their away switch (services/members.ts): Redis only. */
export async function presenceOfMembers(workspaceId: number, members: { id: number; away: boolean }[]): Promise<Map<number, Presence>> {
  const connected = new Set(await connectedIds(workspaceId))
  return new Map(members.map((member) => [member.id, connected.has(member.id) ? (member.away ? 'away' : 'online') : 'offline']))
}

/** User ids online (connected and not away): whom auto-assignment may choose. */
export async function onlineIds(workspaceId: number) {
  const connected = await connectedIds(workspaceId)
  const away = await awayIds(connected)
  return connected.filter((id) => !away.has(id))
}

export interface AgentPreferences {
  away: boolean
  sound: boolean
}

/** The agent's own switches (defaults: available, with sound). */
export async function preferencesOf(userId: number): Promise<AgentPreferences> {
  const row = await db.from('inbox_agent_preferences').where('user_id', userId).select('away', 'sound').first()
  return { away: row?.away ?? false, sound: row?.sound ?? true }
}

/** Changes the agent's switches; returns them as they are now. */
export async function savePreferences(userId: number, changes: Partial<AgentPreferences>) {
  const next = { ...(await preferencesOf(userId)), ...changes }
  await db.rawQuery(
    `insert into inbox_agent_preferences (user_id, away, sound, updated_at) values (?, ?, ?, now())
     on conflict (user_id) do update set away = excluded.away, sound = excluded.sound, updated_at = excluded.updated_at`,
    [userId, next.away, next.sound]
  )
  return next
}
