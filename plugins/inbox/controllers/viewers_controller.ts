import type { HttpContext } from '@adonisjs/core/http'
import { markViewing } from '#inbox/services/viewers'
import { viewingValidator } from '#inbox/validators/presence'
import { findConversation } from '#inbox/controllers/context'

/** POST …/viewers: this agent has the conversation open (typing, or leaving it); answers who views it now. */
export default class ViewersController {
  async store(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    const { typing, left } = await ctx.request.validateUsing(viewingValidator)
    const viewers = await markViewing(conversation.workspaceId, conversation.id, ctx.auth.user!.id, { typing, left })
    return { viewers }
  }
}
