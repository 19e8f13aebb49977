import { definePluginChannels } from '#plugins/channels'

export default definePluginChannels((channels) => {
  // workspaces/:id/inbox/live: what changed in the workspace's conversations (services/live.ts).
  channels.workspace('live')
})
