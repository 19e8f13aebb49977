import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import { LabelledMessages } from '#core/labelled_messages'
import Flow from '#bots/models/flow'
import FlowVersion from '#bots/models/flow_version'
import { createFlow } from '#bots/actions/create_flow'
import { importFlow } from '#bots/actions/import_flow'
import { exportFlow, NODE_TYPES, OPERATORS, QUESTION_KINDS } from '#bots/services/flow_schema'
import { flowNameValidator, saveDraftValidator } from '#bots/validators/flow'

/** The editor's strings that its script writes (bots.editor.js.*). */
const LABELS = ['exit_if', 'exit_else', 'exit_invalid', 'exit_error', 'start', 'draft', 'published', 'saved', 'refused', 'unsaved', 'failed']
const UNITS = ['seconds', 'minutes', 'hours', 'days']

/** Which state of a version the editor opened or saved: its undo history is kept for that one (resources/editor.js). */
const revisionOf = (version: FlowVersion) => `${version.id}.${version.updatedAt.toMillis()}`

/** JSON inside a <script> element: "</script>" and "<!--" cannot close or open anything there. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c')

/**
 * The visual editor of a flow's draft (resources/editor.js on Drawflow). It edits the flow's
 * JSON (docs/bot-flow-schema.md) and saves it through the import's validation; a published
 * flow without a draft opens its live version, and the first save makes the draft from it.
 */
export default class EditorController {
  /** POST /flows: a new flow with a one-node draft, opened in the editor. */
  async store(ctx: HttpContext) {
    const { name } = await ctx.request.validateUsing(flowNameValidator, { messagesProvider: new LabelledMessages(ctx.i18n, 'bots.fields') })
    const flow = await createFlow(ctx.tenant.workspace.id, name, ctx.auth.user!.id)
    return ctx.response.redirect().toRoute('bots.flows.edit', { workspace: ctx.tenant.workspace.slug, id: flow.id })
  }

  async edit(ctx: HttpContext) {
    const workspaceId = ctx.tenant.workspace.id
    const flow = await Flow.findInWorkspace(workspaceId, ctx.params.id)
    const version = await FlowVersion.workingOf(flow)
    const [members, teams, flows] = await Promise.all([
      db
        .from('memberships as m')
        .join('users as u', 'u.id', 'm.user_id')
        .where('m.workspace_id', workspaceId)
        .whereIn('m.role', ['owner', 'admin', 'agent'])
        .orderBy('u.full_name')
        .select('u.id', 'u.full_name as name'),
      hooks.ask('conversation.teams', { workspaceId }),
      Flow.query().where('workspace_id', workspaceId).whereNot('id', flow.id).orderBy('name').select('id', 'name'),
    ])
    const t = (key: string) => ctx.i18n.t(key)
    const editor = {
      document: exportFlow(flow, version.definition),
      labels: {
        ...Object.fromEntries(LABELS.map((key) => [key, t(`bots.editor.js.${key}`)])),
        types: Object.fromEntries(NODE_TYPES.map((type) => [type, t(`bots.nodes.${type}`)])),
        units: Object.fromEntries(UNITS.map((unit) => [unit, t(`bots.editor.units.${unit}`)])),
      },
      version: { number: version.number, state: version.state },
      revision: revisionOf(version),
      choices: { members, teams: teams ?? [], flows: flows.map(({ id, name }) => ({ id, name })) },
    }
    return ctx.view.render('bots::pages/editor', {
      flow,
      version,
      nodeTypes: NODE_TYPES,
      operators: OPERATORS,
      questionKinds: QUESTION_KINDS,
      teamsOn: teams !== undefined,
      editorJson: scriptJson(editor),
    })
  }

  /** PUT /flows/:id/draft (the editor's save): 200 with the draft's number, or 422 naming the nodes. */
  async update(ctx: HttpContext) {
    const flow = await Flow.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    const { json } = await ctx.request.validateUsing(saveDraftValidator)
    const result = await importFlow({ workspaceId: flow.workspaceId, json, flow, userId: ctx.auth.user!.id })
    if (!result.ok) return ctx.response.unprocessableEntity({ errors: result.errors.map((message) => ({ field: 'json', message })) })
    return { version: { number: result.version.number, state: result.version.state }, savedAt: result.version.updatedAt.toISO(), revision: revisionOf(result.version) }
  }
}
