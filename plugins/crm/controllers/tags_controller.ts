import type { HttpContext } from '@adonisjs/core/http'
import Tag from '#crm/models/tag'
import { saveTag } from '#crm/actions/save_tag'
import { saveTagValidator } from '#crm/validators/tag'
import { labelled } from '#crm/controllers/context'

/** Settings → Contact tags (crm.manage): the workspace's tags, their names and colours. */
export default class TagsController {
  async index(ctx: HttpContext) {
    const tags = await Tag.ofWorkspace(ctx.tenant.workspace.id)
    const counts = await Tag.query()
      .where('crm_tags.workspace_id', ctx.tenant.workspace.id)
      .join('crm_contact_tags as ctg', (join) => join.on('ctg.tag_id', 'crm_tags.id').andOn('ctg.workspace_id', 'crm_tags.workspace_id'))
      .groupBy('crm_tags.id')
      .select('crm_tags.id')
      .count('* as contacts')
    const used = new Map(counts.map((row) => [row.id, Number(row.$extras.contacts)]))
    return ctx.view.render('crm::pages/settings/tags', { tags: tags.map((tag) => ({ tag, contacts: used.get(tag.id) ?? 0 })) })
  }

  async store(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(saveTagValidator, { meta: { workspaceId: ctx.tenant.workspace.id }, messagesProvider: labelled(ctx) })
    await saveTag(ctx.tenant.workspace.id, input)
    ctx.session.flash('success', ctx.i18n.t('crm.settings.tags.saved'))
    return ctx.response.redirect().toRoute('crm.settings.tags.index', { workspace: ctx.tenant.workspace.slug })
  }

  async update(ctx: HttpContext) {
    const tag = await this.#find(ctx)
    const input = await ctx.request.validateUsing(saveTagValidator, { meta: { workspaceId: tag.workspaceId, id: tag.id }, messagesProvider: labelled(ctx) })
    await saveTag(tag.workspaceId, input, tag)
    ctx.session.flash('success', ctx.i18n.t('crm.settings.tags.saved'))
    return ctx.response.redirect().toRoute('crm.settings.tags.index', { workspace: ctx.tenant.workspace.slug })
  }

  /** Deleting a tag takes it off every contact (their timelines keep that it was there). */
  async destroy(ctx: HttpContext) {
    const tag = await this.#find(ctx)
    await tag.delete()
    ctx.session.flash('success', ctx.i18n.t('crm.settings.tags.deleted', { name: tag.name }))
    return ctx.response.redirect().toRoute('crm.settings.tags.index', { workspace: ctx.tenant.workspace.slug })
  }

  #find(ctx: HttpContext) {
    return Tag.query().where('workspace_id', ctx.tenant.workspace.id).where('id', ctx.params.id).firstOrFail()
  }
}
