import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import type { HttpContext } from '@adonisjs/core/http'
import User from '#auth/models/user'

export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.password_changed',
  'auth.password_reset',
  'auth.two_factor_enabled',
  'auth.two_factor_disabled',
  'auth.session_revoked',
  'member.invited',
  'member.joined',
  'member.role_changed',
  'member.removed',
  'token.created',
  'token.revoked',
  'workspace.created',
  'workspace.updated',
  'organization.updated',
  'plugin.enabled',
  'plugin.disabled',
  'plugin.policy_changed',
  'plugin.settings_changed',
  'plugin.data_removed',
  'marketplace.installed',
  'marketplace.upgraded',
  'marketplace.uninstalled',
  'marketplace.enabled',
  'marketplace.disabled',
  'marketplace.settings_changed',
  'marketplace.key_trusted',
  'marketplace.key_removed',
  'marketplace.limits_changed',
  // Instance-wide (no organization or workspace): the operator's acts.
  'marketplace.blocked',
  'marketplace.unblocked',
  'operator.granted',
  'operator.revoked',
] as const

/** Actions plugins add (`registerAuditActions`), typed by declaration merging: `interface PluginAuditActions { 'channel.connected': true }`. */
export interface PluginAuditActions {}

export type AuditAction = (typeof AUDIT_ACTIONS)[number] | keyof PluginAuditActions

const actions: AuditAction[] = [...AUDIT_ACTIONS]

/** Every action the log may hold: the core's and the plugins' (the audit page filters by them). */
export const auditActions = (): readonly AuditAction[] => actions

export function registerAuditActions(...names: (keyof PluginAuditActions)[]) {
  for (const name of names) if (!actions.includes(name)) actions.push(name)
}

interface AuditEntry {
  action: AuditAction
  organizationId?: number | null
  workspaceId?: number | null
  actorId?: number | null
  meta?: Record<string, unknown>
}

/** Security events, stored per organization and workspace, read by admins. */
export default class AuditLog extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare organizationId: number | null

  @column()
  declare workspaceId: number | null

  @column()
  declare actorId: number | null

  @column()
  declare action: AuditAction

  @column()
  declare ip: string | null

  @column()
  declare meta: Record<string, unknown>

  @belongsTo(() => User, { foreignKey: 'actorId' })
  declare actor: BelongsTo<typeof User>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  /** Records an event of one workspace (and so of its organization). */
  static recordIn(
    workspace: { id: number; organizationId: number },
    action: AuditAction,
    actorId: number | null,
    meta: Record<string, unknown> = {},
    ctx?: HttpContext
  ) {
    return this.record({ action, organizationId: workspace.organizationId, workspaceId: workspace.id, actorId, meta }, ctx)
  }

  /** Records an event; `ctx` (when there is a request) supplies the IP and request id. */
  static record(entry: AuditEntry, ctx?: HttpContext) {
    return this.create({
      action: entry.action,
      organizationId: entry.organizationId ?? null,
      workspaceId: entry.workspaceId ?? null,
      actorId: entry.actorId ?? null,
      ip: ctx?.request.ip() ?? null,
      meta: { ...entry.meta, ...(ctx ? { requestId: ctx.request.id() } : {}) },
    })
  }
}
