import type QuickReply from '#inbox/models/quick_reply'

/** Deletes a quick reply: nothing refers to it (an inserted text is the agent's own from then on). */
export async function deleteQuickReply(reply: QuickReply) {
  await reply.delete()
}
