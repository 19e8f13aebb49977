import type { HttpContext } from '@adonisjs/core/http'
import { errors as limiterErrors } from '@adonisjs/limiter'
import User from '#auth/models/user'
import AuditLog from '#audit/audit_log'
import { loginPerAccount, loginPerIp } from '#start/limiter'

/**
 * Checks e-mail and password under the login rate limits: failures count against the
 * account+IP and against the IP; success clears the account's count. Throws the limiter's
 * 429 (with Retry-After) or E_INVALID_CREDENTIALS.
 */
type Limit = { limiter: typeof loginPerAccount; key: string }

/** 429 (with Retry-After) while any of `limits` is used up. */
async function refuseIfLocked(limits: Limit[]) {
  for (const { limiter, key } of limits) {
    const state = await limiter.get(key)
    if (state && state.remaining <= 0) throw new limiterErrors.ThrottleException(state)
  }
}

/**
 * Checks a second-factor code under the same lock as passwords (5 wrong codes, then 15
 * minutes), so the 6 digits cannot be guessed by trying them all.
 */
export async function attemptSecondFactor<T>(ctx: HttpContext, user: User, check: () => Promise<T | null>) {
  const limit = { limiter: loginPerAccount, key: `login_2fa_${user.id}` }
  await refuseIfLocked([limit])
  const passed = await check()
  if (passed !== null) {
    await limit.limiter.delete(limit.key)
    return passed
  }
  await limit.limiter.increment(limit.key)
  await AuditLog.record({ action: 'auth.login_failed', actorId: user.id, meta: { reason: 'two_factor' } }, ctx)
  return null
}

export async function attemptLogin(ctx: HttpContext, email: string, password: string) {
  const ip = ctx.request.ip()
  const limits = [
    { limiter: loginPerAccount, key: `login_${email}_${ip}` },
    { limiter: loginPerIp, key: `login_ip_${ip}` },
  ]
  await refuseIfLocked(limits)

  try {
    const user = await User.verifyCredentials(email, password)
    await loginPerAccount.delete(limits[0].key)
    return user
  } catch (error) {
    for (const { limiter, key } of limits) await limiter.increment(key)
    // Attributed to the account when it exists, so its workspaces' admins see the attempts.
    const account = await User.findBy('email', email)
    await AuditLog.record({ action: 'auth.login_failed', actorId: account?.id ?? null, meta: { email } }, ctx)
    throw error
  }
}
