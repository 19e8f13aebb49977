import QuickReply from '#inbox/models/quick_reply'

export interface QuickReplyInput {
  shortcut: string
  body: string
}

/** Creates a quick reply in the workspace, or changes `existing` (the validator checked the shortcut is free). */
export async function saveQuickReply(workspaceId: number, input: QuickReplyInput, existing?: QuickReply) {
  if (existing) return existing.merge(input).save()
  return QuickReply.create({ workspaceId, ...input })
}
