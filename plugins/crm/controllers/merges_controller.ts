import type { HttpContext } from '@adonisjs/core/http'
import router from '@adonisjs/core/services/router'
import CrmContact from '#crm/models/crm_contact'
import Field from '#crm/models/field'
import { mergeContacts } from '#crm/actions/merge_contacts'
import { duplicateGroups, mergeFields } from '#crm/services/duplicates'
import { ownerChoices } from '#crm/services/contact_card'
import { valueText } from '#crm/presenters'
import { mergeScreenValidator, mergeValidator } from '#crm/validators/merge'
import { findContact, queryOf } from '#crm/controllers/context'

/** Duplicate suggestions and merging two contacts (crm.edit: nothing is lost, the history moves). */
export default class MergesController {
  /** GET /duplicates: contacts with the same e-mail or phone, grouped. */
  async index(ctx: HttpContext) {
    return ctx.view.render('crm::pages/duplicates/index', { groups: await duplicateGroups(ctx.tenant.workspace.id) })
  }

  /** GET /contacts/:id/merge?with=: the two side by side; this one is kept, each differing field chooses its value. */
  async show(ctx: HttpContext) {
    const primary = await findContact(ctx)
    const { with: otherId } = await ctx.request.validateUsing(mergeScreenValidator, { data: queryOf(ctx) })
    const other = await CrmContact.findInWorkspace(primary.workspaceId, otherId)
    if (other.id === primary.id) return ctx.response.notFound()
    const owners = new Map((await ownerChoices(primary.workspaceId)).map((owner) => [owner.id, owner.name]))
    const text = (key: string, value: unknown) => {
      if (key === 'owner') return value ? (owners.get(value as number) ?? '') : ''
      if (key === 'opt_in') return value ? ctx.i18n.t(`crm.consent.${value}`) : ''
      return valueText(ctx, value)
    }
    const fields = mergeFields(primary, other, await Field.ofWorkspace(primary.workspaceId)).map((field) => ({
      ...field,
      label: field.label ?? ctx.i18n.t(`crm.fields.${field.key}`),
      primaryText: text(field.key, field.primary),
      otherText: text(field.key, field.other),
      same: JSON.stringify(field.primary) === JSON.stringify(field.other),
    }))
    return ctx.view.render('crm::pages/contacts/merge', { primary, other, fields })
  }

  /** POST /contacts/:id/merge: `with` merged into this contact, then its card. */
  async store(ctx: HttpContext) {
    const primary = await findContact(ctx)
    const input = await ctx.request.validateUsing(mergeValidator)
    const other = await CrmContact.findInWorkspace(primary.workspaceId, input.with)
    if (other.id === primary.id) return ctx.response.notFound()
    await mergeContacts(primary.workspaceId, primary.id, other.id, input.winners ?? {}, ctx.auth.user!.id, await Field.ofWorkspace(primary.workspaceId))
    ctx.session.flash('success', ctx.i18n.t('crm.merge.done', { name: other.displayName }))
    return ctx.response.redirect(router.makeUrl('crm.contacts.show', { workspace: ctx.tenant.workspace.slug, id: primary.id }))
  }
}
