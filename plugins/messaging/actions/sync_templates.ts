import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type Channel from '#messaging/models/channel'
import MessageTemplate from '#messaging/models/message_template'
import { ProviderError } from '#messaging/services/channel_provider'
import { providers } from '#messaging/services/providers'
import { Refusal } from '#messaging/services/refusal'

/**
 * Replaces the channel's stored templates with the provider's current list (added, changed,
 * and removed ones), in one transaction. A provider error is a 422 with its reason.
 */
export async function syncTemplates(channel: Channel) {
  let templates
  try {
    templates = await providers.get(channel.provider).syncTemplates(channel)
  } catch (error) {
    if (error instanceof ProviderError) throw new Refusal(`The provider refused the template list: ${error.message}`)
    throw error
  }
  const now = DateTime.now()
  await db.transaction(async (trx) => {
    for (const template of templates) {
      await MessageTemplate.updateOrCreate(
        { workspaceId: channel.workspaceId, channelId: channel.id, name: template.name, language: template.language },
        { providerTemplateId: template.providerTemplateId, category: template.category, status: template.status, components: template.components, syncedAt: now },
        { client: trx }
      )
    }
    await trx.from('message_templates').where('workspace_id', channel.workspaceId).where('channel_id', channel.id).where('synced_at', '<', now.toSQL()!).delete()
  })
  return MessageTemplate.ofChannel(channel)
}
