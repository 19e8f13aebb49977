import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import AuditLog, { auditActions } from '#audit/audit_log'

const filterValidator = vine.compile(
  vine.object({
    action: vine.enum(() => auditActions()).optional(),
    page: vine.number().positive().withoutDecimals().optional(),
  })
)

export default class AuditLogController {
  /**
   * This workspace's events, plus account events (sign-ins, 2FA, passwords) of its
   * members, which belong to no single workspace.
   */
  async index({ view, tenant, request }: HttpContext) {
    const filters = await filterValidator.validate(request.qs())
    const entries = await AuditLog.query()
      .where((scope) =>
        scope.where('workspace_id', tenant.workspace.id).orWhere((account) =>
          account
            .whereNull('workspace_id')
            .whereIn('actor_id', (members) =>
              members.from('memberships').select('user_id').where('workspace_id', tenant.workspace.id)
            )
        )
      )
      .if(filters.action, (q) => q.where('action', filters.action!))
      .preload('actor')
      .orderBy('id', 'desc')
      .paginate(filters.page ?? 1, 50)
    entries.baseUrl(request.url()).queryString({ action: filters.action })
    return view.render('pages/workspace/audit_log', { entries, actions: auditActions(), filters })
  }
}
