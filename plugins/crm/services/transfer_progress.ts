import transmit from '@adonisjs/transmit/services/main'
import { workspaceChannel } from '#realtime/channels'

/** The SSE channel of a workspace's imports and exports (authorised in channels.ts). */
export const transfersChannel = (workspaceId: number) => `${workspaceChannel(workspaceId)}/crm/transfers`

export interface TransferProgress {
  kind: 'import' | 'export'
  id: number
  status: string
  processed: number
  total: number
}

/** Tells open pages how far an import or export got (from the worker; transmit's Redis transport carries it). */
export function announceProgress(workspaceId: number, progress: TransferProgress) {
  transmit.broadcast(transfersChannel(workspaceId), { ...progress })
}
