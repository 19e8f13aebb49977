import type { HttpContext } from '@adonisjs/core/http'
import { LabelledMessages } from '#core/labelled_messages'
import { errors as lucidErrors } from '@adonisjs/lucid'
import { errors } from '@vinejs/vine'
import CrmContact from '#crm/models/crm_contact'
import Tag from '#crm/models/tag'
import { tagContactValidator } from '#crm/validators/contact'

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

/**
 * The tag a tag / untag request names — POST with `tagId` (added), DELETE with `:tagId` — of
 * this workspace: an unknown one is a 422 on `tagId` to add, a 404 to take off.
 */
export async function requestedTag(ctx: HttpContext, workspaceId: number) {
  const added = ctx.request.method() === 'POST'
  const { tagId } = added ? await ctx.request.validateUsing(tagContactValidator) : { tagId: Number(ctx.params.tagId) }
  const tag = await Tag.query().where('workspace_id', workspaceId).where('id', tagId).first()
  if (tag) return { tag, added }
  if (!added) throw new lucidErrors.E_ROW_NOT_FOUND()
  throw new errors.E_VALIDATION_ERROR([{ field: 'tagId', rule: 'exists', message: ctx.i18n?.t('crm.card.tag_unknown') ?? 'There is no such tag' }])
}
