import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import type { HttpContext } from '@adonisjs/core/http'
import UserSession from '#auth/models/user_session'
import type User from '#auth/models/user'
import { ProcessCache } from '#core/process_cache'

const SESSION_KEY = 'sid'
// last_seen_at is written at most this often, not on every request.
const TOUCH_EVERY_MS = 60_000

// Asked on every signed-in request; a revocation is forgotten in every process at once.
const revokedSessions = new ProcessCache<boolean>('auth.revoked_sessions', { ttlMs: 30_000, maxEntries: 50_000 })

/** Signs the user in and records the browser so it shows in "active sessions". */
export async function startSession(ctx: HttpContext, user: User) {
  await ctx.auth.use('web').login(user)
  const row = await UserSession.create({
    id: randomUUID(),
    userId: user.id,
    ip: ctx.request.ip(),
    userAgent: (ctx.request.header('user-agent') ?? '').slice(0, 400),
    lastSeenAt: DateTime.now(),
  })
  ctx.session.put(SESSION_KEY, row.id)
  ctx.session.put('seen', Date.now())
}

export async function endSession(ctx: HttpContext) {
  const id = ctx.session.get(SESSION_KEY)
  if (id) await revokeSessions((query) => query.where('id', id))
  await ctx.auth.use('web').logout()
  ctx.session.forget(SESSION_KEY)
}

/**
 * Revokes the sessions `where` selects (not already revoked) and forgets them in every
 * process's cache, so they are signed out on their next request. Returns how many.
 */
export async function revokeSessions(where: (query: ReturnType<typeof UserSession.query>) => unknown) {
  const query = UserSession.query().whereNull('revoked_at')
  where(query)
  const rows: { id: string }[] = await query.update({ revokedAt: DateTime.now() }).returning('id')
  for (const row of rows) await revokedSessions.forget(row.id)
  return rows.length
}

export function currentSessionId(ctx: HttpContext): string | undefined {
  return ctx.session.get(SESSION_KEY)
}

export async function isSessionRevoked(ctx: HttpContext) {
  const id = currentSessionId(ctx)
  if (!id) return false
  return revokedSessions.get(id, async () => {
    const row = await UserSession.query().select('revoked_at').where('id', id).first()
    return !row || row.revokedAt !== null
  })
}

export async function touchSession(ctx: HttpContext) {
  const seen = ctx.session.get('seen', 0)
  if (Date.now() - seen < TOUCH_EVERY_MS) return
  const id = currentSessionId(ctx)
  if (id) await UserSession.query().where('id', id).update({ lastSeenAt: DateTime.now() })
  ctx.session.put('seen', Date.now())
}
