import Conversation from '#messaging/models/conversation'
import { Refusal } from '#messaging/services/refusal'
import Flow from '#bots/models/flow'
import FlowVersion from '#bots/models/flow_version'
import { startSession } from '#bots/services/runtime'

/**
 * Starts a flow in a conversation on request (another plugin, the API): its published version,
 * with `variables` as `{{vars.*}}`, whether or not its trigger is on. Refused while another
 * session holds the conversation.
 */
export async function startFlow(options: { workspaceId: number; flowId: number; conversationId: number; variables?: Record<string, unknown> }) {
  const flow = await Flow.findInWorkspace(options.workspaceId, options.flowId)
  const conversation = await Conversation.findInWorkspace(options.workspaceId, options.conversationId)
  const version = await FlowVersion.published(flow)
  if (!version) throw new Refusal('The flow has no published version', 'flowId')
  const sessionId = await startSession({ flow, version, conversation, trigger: 'manual', variables: options.variables })
  if (sessionId === null) throw new Refusal('A bot session is running in this conversation already', 'conversationId')
  return sessionId
}
