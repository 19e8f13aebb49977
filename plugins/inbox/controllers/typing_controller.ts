import type { HttpContext } from '@adonisjs/core/http'
import { sendTypingIndicator } from '#inbox/actions/send_typing_indicator'
import { findConversation } from '#inbox/controllers/context'

/** POST …/typing: the composer says the agent is typing (throttled by the action). */
export default class TypingController {
  async store(ctx: HttpContext) {
    const conversation = await findConversation(ctx)
    await sendTypingIndicator(conversation)
    return ctx.response.noContent()
  }
}
