import redis from '@adonisjs/redis/services/main'
import db from '@adonisjs/lucid/services/db'
import transmit from '@adonisjs/transmit/services/main'
import { workspaceChannel } from '#realtime/channels'

/**
 * Collision warnings: who else has a conversation open, and who is typing in it. An open
 * conversation pings every few seconds (resources/viewers.js); each ping keeps its agent in a
 * Redis sorted set per conversation (user id → when it lapses), and typing in a second one with
 * a shorter life. A change (someone arrives, starts typing, leaves) is broadcast on the
 * conversation's channel; each ping's answer is the current list too, so an agent whose tab
 * died without saying so drops out within seconds.
 */
export const VIEWING_MS = 12_000
export const TYPING_MS = 6_000

export interface Viewer {
  id: number
  name: string
  typing: boolean
}

/** The SSE channel of one conversation's viewers (authorised in channels.ts). */
export const viewersChannel = (workspaceId: number, conversationId: number) => `${workspaceChannel(workspaceId)}/inbox/viewers/${conversationId}`

const viewingKey = (workspaceId: number, conversationId: number) => `inbox:viewing:${workspaceId}:${conversationId}`
const typingKey = (workspaceId: number, conversationId: number) => `inbox:agent-typing:${workspaceId}:${conversationId}`

/**
 * `userId` has the conversation open (typing, or just left it); returns everyone viewing it now,
 * and broadcasts the list when it changed.
 */
export async function markViewing(workspaceId: number, conversationId: number, userId: number, { typing = false, left = false } = {}) {
  const now = Date.now()
  const viewing = viewingKey(workspaceId, conversationId)
  const typists = typingKey(workspaceId, conversationId)
  const member = String(userId)
  // Each command before the expiries answers how many members it added or removed: any is a change
  // (someone arrived, left, lapsed, started or stopped typing; typing on, or staying, adds nobody).
  const batch = redis.multi().zremrangebyscore(viewing, '-inf', now).zremrangebyscore(typists, '-inf', now)
  if (left) batch.zrem(viewing, member).zrem(typists, member)
  else batch.zadd(viewing, now + VIEWING_MS, member)[typing ? 'zadd' : 'zrem'](typists, ...(typing ? [now + TYPING_MS, member] : [member]))
  batch.pexpire(viewing, VIEWING_MS).pexpire(typists, TYPING_MS).zrange(viewing, 0, -1).zrange(typists, 0, -1)
  const results = ((await batch.exec()) ?? []).map(([, value]) => value)
  const changed = (results.slice(0, -4) as number[]).some((count) => count > 0)
  const [viewerIds, typingIds] = (results.slice(-2) as string[][]).map((ids) => ids.map(Number))
  const viewers = await named(viewerIds, new Set(typingIds))
  if (changed) transmit.broadcast(viewersChannel(workspaceId, conversationId), { viewers: viewers.map((viewer) => ({ ...viewer })) })
  return viewers
}

async function named(ids: number[], typing: Set<number>): Promise<Viewer[]> {
  if (!ids.length) return []
  const rows = await db.from('users').whereIn('id', ids).orderBy('full_name').select('id', 'full_name')
  return rows.map((row) => ({ id: row.id, name: row.full_name, typing: typing.has(row.id) }))
}
