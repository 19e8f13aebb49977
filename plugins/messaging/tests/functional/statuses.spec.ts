import { test } from '@japa/runner'
import { truncateTables } from '#tests/helpers/database'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { workspaceWithMember } from '#database/factories/index'
import Channel from '#messaging/models/channel'
import Contact from '#messaging/models/contact'
import Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import type { StatusEvent } from '#messaging/services/channel_provider'
import { adoptOrphans, applyStatuses, recordSendResults } from '#messaging/services/statuses'

/** An outbound message the send job has not stored a provider id for yet. */
async function queuedMessage() {
  const { workspace } = await workspaceWithMember('owner')
  const channel = await Channel.create({ workspaceId: workspace.id, provider: 'whatsapp-cloud', name: 'Support', displayPhone: '+15550001111', providerIds: {}, credentials: {}, throughputPerSecond: 80 })
  const contact = await Contact.create({ workspaceId: workspace.id, phone: '+79001234567', waId: '79001234567' })
  const conversation = await Conversation.create({ workspaceId: workspace.id, contactId: contact.id, channelId: channel.id, status: 'open', lastActivityAt: DateTime.now(), unreadCount: 0 })
  return Message.create({ workspaceId: workspace.id, conversationId: conversation.id, channelId: channel.id, direction: 'outbound', type: 'text', content: { body: 'hi' }, status: 'queued', authorType: 'agent' })
}

const status = (providerMessageId: string, value: StatusEvent['status']): StatusEvent => ({
  kind: 'status',
  providerMessageId,
  status: value,
  timestamp: new Date(),
  errorCode: null,
  errorReason: null,
})

/** The provider accepted the message with this id: what the channel sender records. */
const recordAccepted = (message: Message, providerMessageId: string) => recordSendResults([{ message, outcome: 'sent', providerMessageId, at: new Date() }])

const pending = async () => Number((await db.from('pending_statuses').count('* as n'))[0].n)

/**
 * A status can overtake its send job (the provider fires "delivered" before the job stored the
 * provider's id). Real transactions here, committed in every interleaving: tables are truncated.
 */
test.group('Statuses that overtake their send', (group) => {
  group.each.setup(() => truncateTables())

  test('parked before the send stored the id: the send applies it', async ({ assert }) => {
    const message = await queuedMessage()
    const { orphans } = await db.transaction((trx) => applyStatuses(trx, [{ workspaceId: message.workspaceId, channelId: message.channelId, event: status('wamid.EARLY', 'delivered') }]))
    assert.lengthOf(orphans, 1)
    assert.equal(await pending(), 1)

    const moved = await recordAccepted(message, 'wamid.EARLY')
    assert.deepEqual(moved.map((move) => move.status), ['sent', 'delivered'])
    await message.refresh()
    assert.equal(message.status, 'delivered')
    assert.isNotNull(message.deliveredAt)
    assert.equal(await pending(), 0)
    // The webhook side looks too, after its commit: nothing left to apply twice.
    assert.deepEqual(await adoptOrphans(orphans), [])
  })

  test('parked in a transaction that commits after the send looked: the webhook side applies it', async ({ assert }) => {
    const message = await queuedMessage()
    const trx = await db.transaction()
    const { orphans } = await applyStatuses(trx, [{ workspaceId: message.workspaceId, channelId: message.channelId, event: status('wamid.RACE', 'read') }])
    // The send stores the id and finds nothing parked: the status is not committed yet.
    const bySend = await recordAccepted(message, 'wamid.RACE')
    assert.deepEqual(bySend.map((move) => move.status), ['sent'])
    await trx.commit()

    const byWebhook = await adoptOrphans(orphans)
    assert.deepEqual(byWebhook.map((move) => move.status), ['read'])
    await message.refresh()
    assert.equal(message.status, 'read')
    assert.equal(await pending(), 0)
  })

  test('the id stored first: the status finds its message and moves it forward only', async ({ assert }) => {
    const message = await queuedMessage()
    await recordAccepted(message, 'wamid.LATER')
    const first = await db.transaction((trx) =>
      applyStatuses(trx, [
        { workspaceId: message.workspaceId, channelId: message.channelId, event: status('wamid.LATER', 'read') },
        { workspaceId: message.workspaceId, channelId: message.channelId, event: status('wamid.LATER', 'delivered') },
      ])
    )
    assert.deepEqual(first.moved.map((move) => move.status), ['read'])
    assert.lengthOf(first.orphans, 0)
    await message.refresh()
    assert.equal(message.status, 'read')
    assert.isNull(message.deliveredAt)
  })
})
