import type { HttpContext } from '@adonisjs/core/http'
import { readFile } from 'node:fs/promises'
import { LabelledMessages } from '#core/labelled_messages'
import { wantsFragment } from '#ui/htmx'
import Flow from '#bots/models/flow'
import FlowVersion from '#bots/models/flow_version'
import { importFlow } from '#bots/actions/import_flow'
import { publishFlow } from '#bots/actions/publish_flow'
import { restoreVersion } from '#bots/actions/restore_version'
import { renameFlow } from '#bots/actions/rename_flow'
import { exitsOf, exportFlow } from '#bots/services/flow_schema'
import { flowStats } from '#bots/services/stats'
import { flowEnabledValidator, flowListValidator, flowNameValidator, importFlowValidator } from '#bots/validators/flow'

const PER_PAGE = 25

const findFlow = (ctx: HttpContext) => Flow.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
const labelled = (ctx: HttpContext) => new LabelledMessages(ctx.i18n, 'bots.fields')
const toFlow = (ctx: HttpContext, flow: Flow) => ctx.response.redirect().toRoute('bots.flows.show', { workspace: ctx.tenant.workspace.slug, id: flow.id })

/** The JSON of the import form: the uploaded file, else the pasted text. */
async function importedJson(ctx: HttpContext) {
  const input = await ctx.request.validateUsing(importFlowValidator, { messagesProvider: labelled(ctx) })
  return { name: input.name, json: input.file ? await readFile(input.file.tmpPath!, 'utf8') : input.json! }
}

/**
 * Workspace → Bots: the flows, importing and exporting their JSON, publishing, earlier versions
 * and switching triggers on and off. (The visual editor comes later; until then flows are JSON.)
 */
export default class FlowsController {
  async index(ctx: HttpContext) {
    const { page = 1 } = await flowListValidator.validate(ctx.request.qs())
    const flows = await Flow.query()
      .where('workspace_id', ctx.tenant.workspace.id)
      .preload('versions', (query) => query.select('id', 'flow_id', 'number', 'state').whereIn('state', ['draft', 'published']))
      .orderBy('name')
      .orderBy('id')
      .paginate(page, PER_PAGE)
    flows.baseUrl(ctx.request.url())
    if (wantsFragment(ctx)) return ctx.view.render('bots::partials/flow_list', { flows })
    return ctx.view.render('bots::pages/index', { flows })
  }

  /** POST /import: a new flow from JSON (its first version, a draft). A bad file: the page again, 422, every problem listed. */
  async store(ctx: HttpContext) {
    const { name, json } = await importedJson(ctx)
    const result = await importFlow({ workspaceId: ctx.tenant.workspace.id, json, name, userId: ctx.auth.user!.id })
    if (!result.ok) return this.refuse(ctx, result.errors, 'bots::pages/index', { flows: null, json, name })
    ctx.session.flash('success', ctx.i18n.t('bots.flash.imported'))
    return toFlow(ctx, result.flow)
  }

  async show(ctx: HttpContext) {
    const flow = await findFlow(ctx)
    return ctx.view.render('bots::pages/show', await this.showData(flow))
  }

  /** POST /:id/import: a new draft of this flow from JSON. */
  async importDraft(ctx: HttpContext) {
    const flow = await findFlow(ctx)
    const { json } = await importedJson(ctx)
    const result = await importFlow({ workspaceId: flow.workspaceId, json, flow, userId: ctx.auth.user!.id })
    if (!result.ok) return this.refuse(ctx, result.errors, 'bots::pages/show', { ...(await this.showData(flow)), json })
    ctx.session.flash('success', ctx.i18n.t('bots.flash.draft_saved'))
    return toFlow(ctx, flow)
  }

  /** GET /:id/export?version=<id>: the JSON of a version (default: the published one, else the draft). */
  async export(ctx: HttpContext) {
    const flow = await findFlow(ctx)
    const version = await FlowVersion.exported(flow, Number(ctx.request.qs().version) || null)
    const file = `${flow.name.replace(/[^\p{L}\p{N}]+/gu, '-').toLowerCase() || 'flow'}-v${version.number}.json`
    ctx.response.header('content-type', 'application/json; charset=utf-8')
    ctx.response.header('content-disposition', `attachment; filename="${encodeURIComponent(file)}"`)
    return JSON.stringify(exportFlow(flow, version.definition), null, 2)
  }

  /** GET /:id/versions/:versionId: a version's nodes, their exits, and its JSON. */
  async version(ctx: HttpContext) {
    const flow = await findFlow(ctx)
    const version = await FlowVersion.query().where('workspace_id', flow.workspaceId).where('flow_id', flow.id).where('id', Number(ctx.params.versionId) || 0).firstOrFail()
    const { definition } = version
    const nodes = definition.nodes.map((node) => {
      const data = node.data as { text?: string; message?: string }
      return {
        id: node.id,
        type: node.type,
        start: node.id === definition.start,
        text: data.text ?? data.message ?? null,
        exits: exitsOf(node).filter((exit) => exit.target).map((exit) => ({ key: exit.key, target: exit.target! })),
      }
    })
    return ctx.view.render('bots::pages/version', { flow, version, nodes, json: JSON.stringify(exportFlow(flow, definition), null, 2) })
  }

  async publish(ctx: HttpContext) {
    const flow = await findFlow(ctx)
    await publishFlow(flow)
    ctx.session.flash('success', ctx.i18n.t('bots.flash.published'))
    return toFlow(ctx, flow)
  }

  async restore(ctx: HttpContext) {
    const flow = await findFlow(ctx)
    await restoreVersion(flow, ctx.params.versionId, ctx.auth.user!.id)
    ctx.session.flash('success', ctx.i18n.t('bots.flash.restored'))
    return toFlow(ctx, flow)
  }

  async enabled(ctx: HttpContext) {
    const flow = await findFlow(ctx)
    const { enabled } = await ctx.request.validateUsing(flowEnabledValidator, { messagesProvider: labelled(ctx) })
    await flow.merge({ enabled }).save()
    ctx.session.flash('success', ctx.i18n.t(enabled ? 'bots.flash.enabled' : 'bots.flash.disabled'))
    return toFlow(ctx, flow)
  }

  async rename(ctx: HttpContext) {
    const flow = await findFlow(ctx)
    const { name } = await ctx.request.validateUsing(flowNameValidator, { messagesProvider: labelled(ctx) })
    await renameFlow(flow, name)
    ctx.session.flash('success', ctx.i18n.t('bots.flash.renamed'))
    return toFlow(ctx, flow)
  }

  private async showData(flow: Flow) {
    const versions = await FlowVersion.query().where('workspace_id', flow.workspaceId).where('flow_id', flow.id).orderBy('number', 'desc')
    return { flow, versions, stats: await flowStats(flow, versions) }
  }

  /**
   * A refused import: HTMX and scripts get the core's 422 JSON, a browser the page again with
   * the list and the JSON it sent (not flashed: a flow may be far larger than a cookie).
   */
  private refuse(ctx: HttpContext, problems: string[], page: string, data: Record<string, unknown>) {
    const errors = problems.map((message) => ({ field: 'json', message }))
    if (ctx.request.header('hx-request') || ctx.request.accepts(['html', 'json']) === 'json') return ctx.response.unprocessableEntity({ errors })
    ctx.response.status(422)
    return ctx.view.render(page, { ...data, importErrors: problems })
  }
}
