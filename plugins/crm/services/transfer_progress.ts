import transmit from '@adonisjs/transmit/services/main'
import db from '@adonisjs/lucid/services/db'
import i18nManager from '@adonisjs/i18n/services/main'
import { workspaceChannel } from '#realtime/channels'
import type Transfer from '#crm/models/transfer'

/** The SSE channel of a workspace's imports and exports (authorised in channels.ts). */
export const transfersChannel = (workspaceId: number) => `${workspaceChannel(workspaceId)}/crm/transfers`

/**
 * Saves an import's or export's status and counters, then tells open pages how far it got
 * (from the worker; transmit's Redis transport carries it).
 */
export async function saveProgress(transfer: Transfer, kind: 'import' | 'export' | 'bulk', status: Transfer['status']) {
  transfer.status = status
  await transfer.save()
  transmit.broadcast(transfersChannel(transfer.workspaceId), { kind, id: transfer.id, status, processed: transfer.processed, total: transfer.total })
}

/** The language of the member who started the transfer: its report's words and its columns' names. */
export async function starterI18n(transfer: Transfer) {
  const user = transfer.userId ? await db.from('users').where('id', transfer.userId).select('locale').first() : null
  return i18nManager.locale(i18nManager.getSupportedLocaleFor([user?.locale ?? 'en']) ?? 'en')
}
