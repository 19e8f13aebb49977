import { definePluginChannels } from '#plugins/channels'

export default definePluginChannels((channels) => {
  // workspaces/:id/crm/transfers: progress of the workspace's imports and exports (services/transfer_progress.ts).
  channels.workspace('transfers')
})
