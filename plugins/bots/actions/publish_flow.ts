import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type Flow from '#bots/models/flow'
import FlowVersion from '#bots/models/flow_version'
import { Refusal } from '#messaging/services/refusal'

/**
 * The draft goes live; the version live until now is archived (its running sessions finish
 * on it). Jumps must name flows of this workspace.
 */
export async function publishFlow(flow: Flow) {
  return db.transaction(async (trx) => {
    const draft = await FlowVersion.query({ client: trx }).where('workspace_id', flow.workspaceId).where('flow_id', flow.id).where('state', 'draft').forUpdate().first()
    if (!draft) throw new Refusal('There is no draft to publish: import a new version or restore an earlier one first')
    const jumps = draft.definition.nodes.filter((node) => node.type === 'jump')
    for (const node of jumps) {
      const flowId = (node.data as { flowId: number }).flowId
      const target = await trx.from('bot_flows').where('workspace_id', flow.workspaceId).where('id', flowId).first()
      if (!target) throw new Refusal(`node ${node.id}: jumps to flow ${flowId}, which is not a flow of this workspace`)
    }
    await trx.from('bot_flow_versions').where('workspace_id', flow.workspaceId).where('flow_id', flow.id).where('state', 'published').update({ state: 'archived', updated_at: DateTime.now().toSQL() })
    return draft.useTransaction(trx).merge({ state: 'published', publishedAt: DateTime.now() }).save()
  })
}
