import type { HttpContext } from '@adonisjs/core/http'
import AuditLog from '#audit/audit_log'
import { contactDossier } from '#crm/services/gdpr'
import { eraseContact } from '#crm/actions/erase_contact'
import { findContact } from '#crm/controllers/context'

/** GDPR requests about one contact (crm.gdpr: the workspace's admins): access (a JSON download) and erasure. */
export default class GdprController {
  /** GET /contacts/:id/gdpr: everything known about the contact, as a JSON file; the audit log says who took it. */
  async export(ctx: HttpContext) {
    const contact = await findContact(ctx)
    const dossier = await contactDossier(contact)
    await AuditLog.recordIn(ctx.tenant.workspace, 'contact.exported', ctx.auth.user!.id, { contactId: contact.id }, ctx)
    ctx.response.header('Content-Type', 'application/json; charset=utf-8')
    ctx.response.header('Content-Disposition', `attachment; filename="contact-${contact.id}.json"`)
    return JSON.stringify(dossier, null, 2)
  }

  /** POST /contacts/:id/gdpr/erase: the contact's personal data erased, then its (now empty) card. */
  async erase(ctx: HttpContext) {
    const contact = await findContact(ctx)
    const { messages } = await eraseContact(contact, ctx.auth.user!.id, ctx.tenant.workspace)
    ctx.session.flash('success', ctx.i18n.t('crm.gdpr.erased', { count: messages }))
    return ctx.response.redirect().back()
  }
}
