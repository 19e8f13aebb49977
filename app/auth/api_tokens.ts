import db from '@adonisjs/lucid/services/db'
import User from '#auth/models/user'
import { cachedTokenRows } from '#auth/workspace_tokens_provider'
import type Workspace from '#tenancy/models/workspace'
import { hooks } from '#hooks/bus'
import AuditLog from '#audit/audit_log'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * Issues a personal API token bound to `workspace` with `abilities` (audited as token.created).
 * Returns the plain secret, which is shown once and never stored.
 */
export async function issueApiToken(
  user: User,
  workspace: Workspace,
  name: string,
  abilities: string[],
  audit: { meta?: Record<string, unknown>; ctx?: HttpContext } = {}
) {
  const token = await User.accessTokens.create(user, abilities, { name })
  await db.from('auth_access_tokens').where('id', token.identifier as number).update({ workspace_id: workspace.id })
  const id = token.identifier as number
  // A lookup of this id before it existed may be cached (as "no such token").
  await cachedTokenRows.forget(id)
  await AuditLog.recordIn(workspace, 'token.created', user.id, { tokenId: id, name, abilities, ...audit.meta }, audit.ctx)
  await hooks.emit('token.created', { workspaceId: workspace.id, tokenId: id, userId: user.id, name, abilities })
  return { id, secret: token.value!.release() }
}

/** Tokens of one workspace (every member's), newest first, for the settings page. */
export function tokensOfWorkspace(workspaceId: number) {
  return db
    .from('auth_access_tokens as t')
    .join('users as u', 'u.id', 't.tokenable_id')
    .select('t.id', 't.name', 't.abilities', 't.created_at', 't.last_used_at', 'u.full_name as owner_name', 't.tokenable_id as owner_id')
    .where('t.workspace_id', workspaceId)
    .orderBy('t.created_at', 'desc')
}

export async function revokeApiToken(workspaceId: number, tokenId: number) {
  const deleted = await db.from('auth_access_tokens').where('workspace_id', workspaceId).where('id', tokenId).delete()
  await cachedTokenRows.forget(tokenId)
  return deleted
}
