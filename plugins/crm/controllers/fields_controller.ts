import type { HttpContext } from '@adonisjs/core/http'
import Field, { FIELD_TYPES } from '#crm/models/field'
import { createField, deleteField, updateField } from '#crm/actions/save_field'
import { storeFieldValidator, updateFieldValidator } from '#crm/validators/field'
import { labelled } from '#crm/controllers/context'

/** Settings → Contact fields (crm.manage): the workspace's custom fields. */
export default class FieldsController {
  async index(ctx: HttpContext) {
    const fields = await Field.ofWorkspace(ctx.tenant.workspace.id)
    return ctx.view.render('crm::pages/settings/fields', { fields, types: FIELD_TYPES })
  }

  async store(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(storeFieldValidator, { meta: { workspaceId: ctx.tenant.workspace.id }, messagesProvider: labelled(ctx) })
    await createField(ctx.tenant.workspace.id, input)
    ctx.session.flash('success', ctx.i18n.t('crm.settings.fields.saved'))
    return this.#back(ctx)
  }

  async update(ctx: HttpContext) {
    const field = await this.#find(ctx)
    await updateField(field, await ctx.request.validateUsing(updateFieldValidator, { messagesProvider: labelled(ctx) }))
    ctx.session.flash('success', ctx.i18n.t('crm.settings.fields.saved'))
    return this.#back(ctx)
  }

  /** Deletes the field and its values on every contact. */
  async destroy(ctx: HttpContext) {
    const field = await this.#find(ctx)
    await deleteField(field)
    ctx.session.flash('success', ctx.i18n.t('crm.settings.fields.deleted', { label: field.label }))
    return this.#back(ctx)
  }

  #find(ctx: HttpContext) {
    return Field.query().where('workspace_id', ctx.tenant.workspace.id).where('id', ctx.params.id).firstOrFail()
  }

  #back(ctx: HttpContext) {
    return ctx.response.redirect().toRoute('crm.settings.fields.index', { workspace: ctx.tenant.workspace.slug })
  }
}
