import type { HttpContext } from '@adonisjs/core/http'
import Tag from '#crm/models/tag'
import { saveTag } from '#crm/actions/save_tag'
import { saveTagValidator } from '#crm/validators/tag'

const tagJson = (tag: Tag) => ({ id: tag.id, name: tag.name, color: tag.color })

/** /api/v1/crm/tags: the workspace's tags. */
export default class TagsController {
  async index(ctx: HttpContext) {
    return { data: (await Tag.ofWorkspace(ctx.tenant.workspace.id)).map(tagJson) }
  }

  async store(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(saveTagValidator, { meta: { workspaceId: ctx.tenant.workspace.id } })
    return ctx.response.created({ data: tagJson(await saveTag(ctx.tenant.workspace.id, input)) })
  }

  /** DELETE /:id: off every contact too (timelines keep that it was there). */
  async destroy(ctx: HttpContext) {
    const tag = await Tag.query().where('workspace_id', ctx.tenant.workspace.id).where('id', ctx.params.id).firstOrFail()
    await tag.delete()
    return ctx.response.noContent()
  }
}
