import db from '@adonisjs/lucid/services/db'
import Flow from '#bots/models/flow'
import FlowVersion from '#bots/models/flow_version'
import { checkFlowJson, definitionOf, type FlowDefinition, type FlowTrigger } from '#bots/services/flow_schema'

export type ImportResult = { ok: true; flow: Flow; version: FlowVersion } | { ok: false; errors: string[] }

/**
 * The flow's draft becomes `definition`: the existing draft is rewritten, or (when the flow has
 * none: it is new, or only published and archived versions exist) a new version is numbered.
 * So editing a published flow never changes what runs until the draft is published.
 */
export async function saveDraft(flow: Flow, definition: FlowDefinition, userId: number | null) {
  return db.transaction(async (trx) => {
    const draft = await FlowVersion.query({ client: trx }).where('workspace_id', flow.workspaceId).where('flow_id', flow.id).where('state', 'draft').forUpdate().first()
    if (draft) return draft.useTransaction(trx).merge({ definition, createdById: userId }).save()
    const last = await trx.from('bot_flow_versions').where('workspace_id', flow.workspaceId).where('flow_id', flow.id).max('number as n').first()
    return FlowVersion.create(
      { workspaceId: flow.workspaceId, flowId: flow.id, number: Number(last?.n ?? 0) + 1, state: 'draft', definition, createdById: userId },
      { client: trx }
    )
  })
}

const DEFAULT_TRIGGER: FlowTrigger = { type: 'manual' }

/**
 * Imports a flow's JSON (docs/bot-flow-schema.md): into `flow` as its new draft, or as a new
 * flow (named by the document, or `name`). Every problem is returned, each naming its node.
 */
export async function importFlow(options: { workspaceId: number; json: string; userId: number | null; flow?: Flow; name?: string }): Promise<ImportResult> {
  const checked = await checkFlowJson(options.json)
  if (!checked.ok) return checked
  const doc = checked.flow
  let flow = options.flow
  if (!flow) {
    const name = options.name?.trim() || doc.name
    if (!name) return { ok: false, errors: ['name: the flow needs a name (give one, or "name" in the JSON)'] }
    if (await Flow.nameTaken(options.workspaceId, name)) return { ok: false, errors: [`name: a flow named "${name}" exists already; import into it to make a new draft`] }
    flow = await Flow.create({ workspaceId: options.workspaceId, name, trigger: doc.trigger ?? DEFAULT_TRIGGER, enabled: false })
  } else if (doc.trigger) {
    await flow.merge({ trigger: doc.trigger }).save()
  }
  const version = await saveDraft(flow, definitionOf(doc), options.userId)
  return { ok: true, flow, version }
}
