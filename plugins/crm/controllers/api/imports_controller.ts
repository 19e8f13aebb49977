import type { HttpContext } from '@adonisjs/core/http'
import ContactImport from '#crm/models/contact_import'

/** /api/v1/crm/imports/:id: an import's status and counters (started in the app). */
export default class ImportsController {
  async show(ctx: HttpContext) {
    const found = await ContactImport.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    return {
      data: {
        id: found.id,
        filename: found.filename,
        status: found.status,
        total: found.total,
        processed: found.processed,
        created: found.createdCount,
        updated: found.updatedCount,
        skipped: found.skippedCount,
        failed: found.failedCount,
        error: found.error,
        createdAt: found.createdAt.toISO(),
        updatedAt: found.updatedAt.toISO(),
      },
    }
  }
}
