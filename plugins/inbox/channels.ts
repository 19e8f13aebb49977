import { definePluginChannels } from '#plugins/channels'

export default definePluginChannels((channels) => {
  // workspaces/:id/inbox/live: what changed in the workspace's conversations (services/live.ts).
  channels.workspace('live')
  // workspaces/:id/inbox/viewers/:conversationId: who views or types in a conversation (services/viewers.ts).
  channels.workspace('viewers/:conversationId', (_ctx, params) => /^\d+$/.test(params.conversationId))
})
