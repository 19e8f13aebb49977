import type { HttpContext } from '@adonisjs/core/http'
import { errors } from '@vinejs/vine'
import { wantsFragment } from '#ui/htmx'
import Field from '#crm/models/field'
import Tag from '#crm/models/tag'
import { updateContact } from '#crm/actions/update_contact'
import { tagContact } from '#crm/actions/tag_contact'
import { changeConsent } from '#crm/actions/change_consent'
import { addContactNote } from '#crm/actions/add_contact_note'
import { validateFieldValues } from '#crm/services/field_values'
import { consentOf, fieldValues, ownerChoices } from '#crm/services/contact_card'
import { contactTimeline } from '#crm/services/timeline'
import { tagsOf } from '#crm/services/contact_list'
import { consentValidator, noteValidator, updateProfileValidator } from '#crm/validators/contact'
import { findContact, labelled, requestedTag } from '#crm/controllers/context'
import { presentTimeline } from '#crm/presenters'
import type CrmContact from '#crm/models/crm_contact'

/**
 * Changes made on the contact card (crm.edit). HTMX gets the piece of the card that changed
 * (with the timeline refreshed out of band); a plain form goes back to the card.
 */
export default class ContactEditsController {
  /** PUT …: name, e-mail, owner. */
  async profile(ctx: HttpContext) {
    const contact = await findContact(ctx)
    const input = await ctx.request.validateUsing(updateProfileValidator, { messagesProvider: labelled(ctx) })
    const owners = await ownerChoices(contact.workspaceId)
    if (input.ownerId && !owners.some((owner) => owner.id === input.ownerId)) {
      throw new errors.E_VALIDATION_ERROR([{ field: 'ownerId', rule: 'member', message: ctx.i18n.t('crm.card.owner_not_member') }])
    }
    await updateContact(contact, { name: input.name, email: input.email?.toLowerCase() ?? null, ownerId: input.ownerId }, ctx.auth.user!.id)
    return this.#answer(ctx, contact, 'profile', owners)
  }

  /** PUT …/fields/:key: one custom field, inline; its value is the form field named by the key. */
  async field(ctx: HttpContext) {
    const contact = await findContact(ctx)
    const fields = await Field.ofWorkspace(contact.workspaceId)
    const field = fields.find((one) => one.key === ctx.params.key)
    if (!field) return ctx.response.notFound()
    const values = await validateFieldValues(fields, { [field.key]: ctx.request.input(field.key, null) }, { partial: true, messagesProvider: ctx.i18n.createMessagesProvider() })
    await updateContact(contact, { attributes: values }, ctx.auth.user!.id, fields)
    if (!wantsFragment(ctx)) return ctx.response.redirect().back()
    const [item] = fieldValues(ctx, [field], contact)
    return this.#withTimeline(ctx, contact, await ctx.view.render('crm::partials/field_value', { item, contact }))
  }

  /** POST …/tags (tagId) and DELETE …/tags/:tagId. */
  async tag(ctx: HttpContext) {
    const contact = await findContact(ctx)
    const { tag, added } = await requestedTag(ctx, contact.workspaceId)
    await tagContact(contact, tag, added, ctx.auth.user!.id)
    return this.#answer(ctx, contact, 'tags')
  }

  /** POST …/consent: status and source. */
  async consent(ctx: HttpContext) {
    const contact = await findContact(ctx)
    const { status, source } = await ctx.request.validateUsing(consentValidator, { messagesProvider: labelled(ctx) })
    await changeConsent(contact, status, source, ctx.auth.user!.id)
    return this.#answer(ctx, contact, 'consent')
  }

  /** POST …/notes: a note; HTMX gets the timeline with it. */
  async note(ctx: HttpContext) {
    const contact = await findContact(ctx)
    const { body } = await ctx.request.validateUsing(noteValidator, { messagesProvider: labelled(ctx) })
    await addContactNote(contact, ctx.auth.user!.id, body)
    if (!wantsFragment(ctx)) return ctx.response.redirect().back()
    return this.#withTimeline(ctx, contact, '')
  }

  /** The card's changed section (HTMX) or back to the card; the profile's owner choices come from its check. */
  async #answer(ctx: HttpContext, contact: CrmContact, section: 'profile' | 'tags' | 'consent', owners: { id: number; name: string }[] = []) {
    if (!wantsFragment(ctx)) return ctx.response.redirect().back()
    const card = {
      contact,
      owners,
      owner: owners.find((owner) => owner.id === contact.ownerId) ?? null,
      tags: section === 'tags' ? ((await tagsOf(contact.workspaceId, [contact.id])).get(contact.id) ?? []) : [],
      allTags: section === 'tags' ? await Tag.ofWorkspace(contact.workspaceId) : [],
      consent: consentOf(ctx, contact),
    }
    return this.#withTimeline(ctx, contact, await ctx.view.render(`crm::partials/${section}`, card))
  }

  /** `html`, and the timeline's first page swapped out of band (the change is on it now). */
  async #withTimeline(ctx: HttpContext, contact: CrmContact, html: string) {
    const timeline = await contactTimeline(contact.workspaceId, contact.id)
    return html + (await ctx.view.render('crm::partials/timeline_oob', { timeline: presentTimeline(ctx, timeline), contact }))
  }
}
