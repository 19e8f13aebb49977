import type { HttpContext } from '@adonisjs/core/http'
import { LabelledMessages } from '#core/labelled_messages'
import CrmContact from '#crm/models/crm_contact'

/** This workspace's contact `:id`; another workspace's (or none) is a 404. */
export function findContact(ctx: HttpContext) {
  return CrmContact.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
}

/** Validation messages that name the CRM's fields as its forms label them (lang: crm.fields). */
export function labelled(ctx: HttpContext) {
  return new LabelledMessages(ctx.i18n, 'crm.fields')
}

/** The query string without the fields a GET form sent empty. */
export function queryOf(ctx: HttpContext) {
  const entries = Object.entries(ctx.request.qs()).filter(([, value]) => value !== '' && value !== null)
  return Object.fromEntries(entries)
}
