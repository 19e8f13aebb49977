import type Flow from '#bots/models/flow'
import FlowVersion from '#bots/models/flow_version'
import { saveDraft } from '#bots/actions/import_flow'

/** An earlier version's graph becomes the draft (publish it to make it live again). */
export async function restoreVersion(flow: Flow, versionId: unknown, userId: number) {
  const version = await FlowVersion.query().where('workspace_id', flow.workspaceId).where('flow_id', flow.id).where('id', Number(versionId) || 0).firstOrFail()
  return saveDraft(flow, version.definition, userId)
}
