import type { HttpContext } from '@adonisjs/core/http'
import { startFlow } from '#bots/actions/start_flow'
import { startSessionValidator } from '#bots/validators/flow'

/** POST /api/v1/bots/sessions: start a flow in a conversation. */
export default class ApiSessionsController {
  async store({ request, tenant, response }: HttpContext) {
    const { flowId, conversationId, variables } = await request.validateUsing(startSessionValidator)
    const sessionId = await startFlow({ workspaceId: tenant.workspace.id, flowId, conversationId, variables })
    return response.created({ data: { sessionId, flowId, conversationId } })
  }
}
