import { Refusal } from '#messaging/services/refusal'
import Flow from '#bots/models/flow'

/** A flow's new name: unique in its workspace, as at creation (running sessions are not affected). */
export async function renameFlow(flow: Flow, name: string) {
  if (await Flow.nameTaken(flow.workspaceId, name, flow.id)) throw new Refusal(`A flow named "${name}" exists already`, 'name')
  return flow.merge({ name }).save()
}
