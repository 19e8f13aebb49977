import type { HttpContext } from '@adonisjs/core/http'
import { errors } from '@vinejs/vine'
import db from '@adonisjs/lucid/services/db'
import { storeContact } from '#messaging/actions/store_contact'
import CrmContact from '#crm/models/crm_contact'
import Field from '#crm/models/field'
import Segment from '#crm/models/segment'
import Tag from '#crm/models/tag'
import { updateContact } from '#crm/actions/update_contact'
import { tagContact } from '#crm/actions/tag_contact'
import { deleteContact } from '#crm/actions/delete_contact'
import { loadFilterContext } from '#crm/services/filter_context'
import { countContacts, matchingContacts, tagsOf, type ContactQuery } from '#crm/services/contact_list'
import { ownerChoices } from '#crm/services/contact_card'
import { validateFieldValues } from '#crm/services/field_values'
import { parseFilter } from '#crm/validators/filter'
import { apiSearchValidator, apiStoreContactValidator, apiUpdateContactValidator } from '#crm/validators/contact'
import { findContact, requestedTag } from '#crm/controllers/context'
import { crmContactJson } from '#crm/presenters'

const refused = (field: string, message: string) => new errors.E_VALIDATION_ERROR([{ field, rule: 'exists', message }])

/** The contacts as the API answers them, with their tags, in the order of `ids`. */
async function present(workspaceId: number, ids: number[]) {
  const contacts = ids.length ? await CrmContact.query().where('workspace_id', workspaceId).whereIn('id', ids) : []
  const tags = await tagsOf(workspaceId, ids)
  const byId = new Map(contacts.map((contact) => [contact.id, contact]))
  return ids.map((id) => crmContactJson(byId.get(id)!, tags.get(id) ?? []))
}

/**
 * A page of contacts (newest first) that match a search and the list's filter language, or a
 * segment's filter. The filter is checked as on the list (its shape by `parseFilter`, its rules
 * against the workspace's fields and tags): a 422 naming `filter.rules.<i>…`.
 */
export async function searchContacts(ctx: HttpContext, input: { q?: string; filter?: unknown; segmentId?: number; page?: number; perPage?: number }) {
  const workspaceId = ctx.tenant.workspace.id
  if (input.filter !== undefined && input.segmentId) throw refused('filter', 'Give a filter or a segmentId, not both')
  const segment = input.segmentId ? await Segment.findInWorkspace(workspaceId, input.segmentId) : null
  const query: ContactQuery = { q: input.q, filter: input.filter !== undefined ? await parseFilter(input.filter) : (segment?.filter ?? null) }
  const context = await loadFilterContext(workspaceId, ctx.tenant.workspace.timezone)
  const [total, perPage, page] = [await countContacts(workspaceId, context, query), input.perPage ?? 25, input.page ?? 1]
  const rows = await matchingContacts(workspaceId, context, query).orderBy('ct.id', 'desc').offset((page - 1) * perPage).limit(perPage).select('ct.id')
  return { data: await present(workspaceId, rows.map((row) => Number(row.id))), meta: { page, perPage, total, lastPage: Math.max(1, Math.ceil(total / perPage)) } }
}

/** /api/v1/crm/contacts (docs/api.md "CRM"). */
export default class ContactsController {
  /** GET: `q`, `filter` (the filter as JSON text), `segmentId`, `page`, `perPage`. */
  async index(ctx: HttpContext) {
    return searchContacts(ctx, await ctx.request.validateUsing(apiSearchValidator, { data: ctx.request.qs() }))
  }

  /** POST /search: the same with the filter as a JSON object in the body. */
  async search(ctx: HttpContext) {
    return searchContacts(ctx, await ctx.request.validateUsing(apiSearchValidator))
  }

  async show(ctx: HttpContext) {
    const contact = await findContact(ctx)
    return { data: (await present(contact.workspaceId, [contact.id]))[0] }
  }

  /** POST: a new contact; everything is checked before anything is written. */
  async store(ctx: HttpContext) {
    const workspaceId = ctx.tenant.workspace.id
    const input = await ctx.request.validateUsing(apiStoreContactValidator)
    const fields = await Field.ofWorkspace(workspaceId)
    const attributes = await validateFieldValues(fields, input.fields ?? {}, { partial: true })
    await this.#checkOwner(workspaceId, input.ownerId)
    const tags = input.tagIds?.length ? await Tag.query().where('workspace_id', workspaceId).whereIn('id', input.tagIds) : []
    if (tags.length !== (input.tagIds?.length ?? 0)) throw refused('tagIds', 'Every tag must be one of the workspace’s')

    const created = await storeContact(workspaceId, { phone: input.phone, name: input.name ?? null, attributes: Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== null)) })
    await db.from('contacts').where('id', created.id).update({ email: input.email?.toLowerCase() ?? null, owner_id: input.ownerId ?? null })
    const contact = await CrmContact.findOrFail(created.id)
    for (const tag of tags) await tagContact(contact, tag, true, this.#actor(ctx))
    return ctx.response.created({ data: (await present(workspaceId, [contact.id]))[0] })
  }

  /** PATCH: name, e-mail, owner, custom fields (only those given); recorded on the timeline, announced on contact.updated. */
  async update(ctx: HttpContext) {
    const contact = await findContact(ctx)
    const input = await ctx.request.validateUsing(apiUpdateContactValidator)
    const fields = await Field.ofWorkspace(contact.workspaceId)
    const attributes = input.fields ? await validateFieldValues(fields, input.fields, { partial: true }) : undefined
    await this.#checkOwner(contact.workspaceId, input.ownerId)
    await updateContact(contact, { name: input.name, email: input.email === undefined ? undefined : (input.email?.toLowerCase() ?? null), ownerId: input.ownerId, attributes }, this.#actor(ctx), fields)
    return { data: (await present(contact.workspaceId, [contact.id]))[0] }
  }

  /** DELETE: the contact and its conversations, now. */
  async destroy(ctx: HttpContext) {
    await deleteContact(await findContact(ctx), this.#actor(ctx))
    return ctx.response.noContent()
  }

  /** POST /:id/tags (`tagId`) and DELETE /:id/tags/:tagId. */
  async tag(ctx: HttpContext) {
    const contact = await findContact(ctx)
    const { tag, added } = await requestedTag(ctx, contact.workspaceId)
    await tagContact(contact, tag, added, this.#actor(ctx))
    return { data: (await present(contact.workspaceId, [contact.id]))[0] }
  }

  async #checkOwner(workspaceId: number, ownerId: number | null | undefined) {
    if (ownerId && !(await ownerChoices(workspaceId)).some((owner) => owner.id === ownerId)) throw refused('ownerId', 'The owner must be a member who may edit contacts')
  }

  #actor(ctx: HttpContext) {
    return ctx.auth.use('api').user?.id ?? null
  }
}
