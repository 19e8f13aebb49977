import type { HttpContext } from '@adonisjs/core/http'
import Field from '#crm/models/field'
import { createField } from '#crm/actions/save_field'
import { storeFieldValidator } from '#crm/validators/field'

const fieldJson = (field: Field) => ({ key: field.key, label: field.label, type: field.type, options: field.options, required: field.required })

/** /api/v1/crm/fields: the workspace's custom fields (their keys are the contacts' `fields`). */
export default class FieldsController {
  async index(ctx: HttpContext) {
    return { data: (await Field.ofWorkspace(ctx.tenant.workspace.id)).map(fieldJson) }
  }

  async store(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(storeFieldValidator, { meta: { workspaceId: ctx.tenant.workspace.id } })
    return ctx.response.created({ data: fieldJson(await createField(ctx.tenant.workspace.id, { ...input, options: input.options ?? [], required: input.required ?? false })) })
  }
}
