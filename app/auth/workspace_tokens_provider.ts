import { AccessToken, DbAccessTokensProvider } from '@adonisjs/auth/access_tokens'
import type { Secret } from '@adonisjs/core/helpers'
import type { LucidModel } from '@adonisjs/lucid/types/model'
import type { AccessTokenDbColumns } from '@adonisjs/auth/types/access_tokens'
import { ProcessCache } from '#core/process_cache'

/** An API token knows the one workspace it is bound to. */
export type WorkspaceAccessToken = AccessToken & { workspaceId: number | null }

// Read on every API call; revokeApiToken forgets a token in every process.
type TokenRow = AccessTokenDbColumns & { workspace_id?: number | null }
export const cachedTokenRows = new ProcessCache<TokenRow | null>('auth.access_tokens', { ttlMs: 30_000, maxEntries: 50_000 })

// last_used_at is shown to admins to the minute; writing it on every request is wasted I/O.
const LAST_USED_PRECISION_MS = 60_000

/**
 * The database tokens provider, plus: the token carries its `workspace_id` (read in the
 * same query, no second lookup per API request; the row comes from this process's cache),
 * and `last_used_at` is written at most once a minute, and only for a token whose secret was right.
 */
export class WorkspaceTokensProvider<Model extends LucidModel> extends DbAccessTokensProvider<Model> {
  static forModel<Model extends LucidModel>(
    model: ConstructorParameters<typeof DbAccessTokensProvider<Model>>[0]['tokenableModel'],
    options: Omit<ConstructorParameters<typeof DbAccessTokensProvider<Model>>[0], 'tokenableModel'> = {}
  ) {
    return new WorkspaceTokensProvider<Model>({ tokenableModel: model, ...options })
  }

  protected dbRowToAccessToken(dbRow: TokenRow) {
    return Object.assign(super.dbRowToAccessToken(dbRow), { workspaceId: dbRow.workspace_id ?? null })
  }

  async verify(tokenValue: Secret<string>): Promise<WorkspaceAccessToken | null> {
    const decoded = AccessToken.decode(this.prefix, tokenValue.release())
    if (!decoded) return null
    const db = await this.getDb()
    const row = await cachedTokenRows.get(decoded.identifier, () =>
      db.query().from(this.table).where({ id: decoded.identifier, type: this.type }).first()
    )
    if (!row) return null
    const token = this.dbRowToAccessToken(row) as WorkspaceAccessToken
    if (!token.verify(decoded.secret) || token.isExpired()) return null

    const now = new Date()
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
      await db.from(this.table).where({ id: row.id }).update({ last_used_at: now })
      token.lastUsedAt = now
      row.last_used_at = now
    }
    return token
  }
}
