import type { HttpContext } from '@adonisjs/core/http'
import Flow from '#bots/models/flow'
import FlowVersion from '#bots/models/flow_version'
import { importFlow } from '#bots/actions/import_flow'
import { publishFlow } from '#bots/actions/publish_flow'
import { renameFlow } from '#bots/actions/rename_flow'
import { flowStats } from '#bots/services/stats'
import { exportFlow } from '#bots/services/flow_schema'
import { flowJson } from '#bots/presenters'
import { apiExportValidator, apiFlowListValidator, apiImportValidator, apiDraftValidator, flowNameValidator } from '#bots/validators/flow'

/** The flow of this workspace with its live and draft versions; any other id is 404. */
async function findFlow(ctx: HttpContext) {
  const flow = await Flow.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
  await flow.load('versions', (query) => query.whereIn('state', ['draft', 'published']))
  return flow
}

/**
 * An import refused: every problem, each naming its node (docs/bot-flow-schema.md), as the
 * core's 422 body; a taken or missing name is the `name` field's.
 */
function refused(ctx: HttpContext, problems: string[]) {
  return ctx.response.unprocessableEntity({ errors: problems.map((message) => ({ field: message.startsWith('name:') ? 'name' : 'document', message })) })
}

/** /api/v1/bots/flows: the flows as JSON documents, for other systems and scripts. */
export default class ApiFlowsController {
  async index({ request, tenant, response }: HttpContext) {
    const { page = 1, perPage = 25 } = await request.validateUsing(apiFlowListValidator, { data: request.qs() })
    const flows = await Flow.query()
      .where('workspace_id', tenant.workspace.id)
      .preload('versions', (query) => query.whereIn('state', ['draft', 'published']))
      .orderBy('id')
      .paginate(page, perPage)
    return response.json({
      data: flows.all().map((flow) => flowJson(flow)),
      meta: { page: flows.currentPage, perPage: flows.perPage, total: flows.total, lastPage: flows.lastPage },
    })
  }

  async show(ctx: HttpContext) {
    return ctx.response.json({ data: flowJson(await findFlow(ctx), true) })
  }

  /** POST: a new flow from a document (its v1, a draft). */
  async store(ctx: HttpContext) {
    const { name, document } = await ctx.request.validateUsing(apiImportValidator)
    const result = await importFlow({ workspaceId: ctx.tenant.workspace.id, json: JSON.stringify(document), name, userId: ctx.auth.use('api').user!.id })
    if (!result.ok) return refused(ctx, result.errors)
    ctx.params.id = result.flow.id
    return ctx.response.created({ data: flowJson(await findFlow(ctx), true) })
  }

  /** PATCH /:id: `{ name }`, unique in the workspace (422 otherwise). */
  async update(ctx: HttpContext) {
    const flow = await findFlow(ctx)
    const { name } = await ctx.request.validateUsing(flowNameValidator)
    await renameFlow(flow, name)
    return ctx.response.json({ data: flowJson(flow, true) })
  }

  /** PUT /:id/draft: the document becomes the flow's draft (rewritten, or a new version number). */
  async draft(ctx: HttpContext) {
    const flow = await findFlow(ctx)
    const { document } = await ctx.request.validateUsing(apiDraftValidator)
    const result = await importFlow({ workspaceId: flow.workspaceId, json: JSON.stringify(document), flow, userId: ctx.auth.use('api').user!.id })
    if (!result.ok) return refused(ctx, result.errors)
    return ctx.response.json({ data: flowJson(await findFlow(ctx), true) })
  }

  /** GET /:id/export?version=: a version's document (default: the published one, else the draft). */
  async export(ctx: HttpContext) {
    const flow = await Flow.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    const { version: versionId } = await ctx.request.validateUsing(apiExportValidator, { data: ctx.request.qs() })
    const version = await FlowVersion.exported(flow, versionId ?? null)
    return ctx.response.json({ data: exportFlow(flow, version.definition) })
  }

  /** POST /:id/publish: the draft goes live (422 without one). */
  async publish(ctx: HttpContext) {
    await publishFlow(await Flow.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id))
    return ctx.response.json({ data: flowJson(await findFlow(ctx), true) })
  }

  /** GET /:id/stats: sessions started, completed, handed off, and per node entered / dropped. */
  async stats(ctx: HttpContext) {
    const flow = await Flow.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    const versions = await FlowVersion.query().where('workspace_id', flow.workspaceId).where('flow_id', flow.id).orderBy('number', 'desc')
    return ctx.response.json({ data: await flowStats(flow, versions) })
  }
}
