import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { jobs } from '#jobs/registry'
import { pluginEnablement } from '#plugins/enablement'
import { workspaceWithMember } from '#database/factories/index'
import Channel from '#messaging/models/channel'
import Contact from '#messaging/models/contact'
import Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import { sweepWebhookEvents } from '#messaging/jobs/sweep_webhook_events'
import { metaSignature, until } from '#messaging/tests/support'

const SECRET = 'app-secret'
const sign = (body: string) => metaSignature(SECRET, body)
const envelope = (value: Record<string, unknown>) =>
  ({ object: 'whatsapp_business_account', entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', ...value } }] }] })
const inbound = (id: string, text: string) =>
  envelope({
    contacts: [{ profile: { name: 'Ana' }, wa_id: '79001234567' }],
    messages: [{ from: '79001234567', id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
  })
const status = (id: string, value: string, errors?: unknown[]) =>
  envelope({ statuses: [{ id, status: value, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '79001234567', ...(errors ? { errors } : {}) }] })

test.group('Processing stored webhooks (Meta envelope)', (group) => {
  group.setup(() => {
    const workers = jobs.startWorkers(2)
    return async () => {
      await Promise.all(workers.map((worker) => worker.close()))
    }
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function cloudChannel() {
    const { workspace, user } = await workspaceWithMember('owner')
    await pluginEnablement.enable(workspace, 'whatsapp-cloud', user.id)
    return Channel.create({
      workspaceId: workspace.id,
      provider: 'whatsapp-cloud',
      name: 'Support',
      displayPhone: '+15550001111',
      providerIds: {},
      credentials: { appSecret: SECRET },
      throughputPerSecond: 80,
    })
  }

  const allProcessed = (channelId: number) => async () =>
    Number((await db.from('webhook_events').where('channel_id', channelId).whereNull('processed_at').count('* as n'))[0].n) === 0

  test('an inbound text becomes a contact, an open conversation with its 24-hour window, and a message', async ({ client, assert }) => {
    const channel = await cloudChannel()
    const body = JSON.stringify(inbound('wamid.IN1', 'Hello!'))
    ;(await client.post(`/webhooks/whatsapp/${channel.id}`).header('x-hub-signature-256', sign(body)).json(JSON.parse(body))).assertStatus(200)
    await until(allProcessed(channel.id), 'the event to be processed')

    const contact = await Contact.findByOrFail('phone', '+79001234567')
    assert.equal(contact.profileName, 'Ana')
    assert.equal(contact.workspaceId, channel.workspaceId)
    const conversation = await Conversation.query().where('contact_id', contact.id).firstOrFail()
    assert.equal(conversation.status, 'open')
    assert.equal(conversation.unreadCount, 1)
    assert.isTrue(conversation.windowOpen)
    const message = await Message.query().where('conversation_id', conversation.id).firstOrFail()
    assert.deepEqual(message.content, { body: 'Hello!' })
    assert.equal(message.direction, 'inbound')
  })

  test('the same webhook ten times is one message', async ({ client, assert }) => {
    const channel = await cloudChannel()
    const body = JSON.stringify(inbound('wamid.DUP', 'Once'))
    for (let i = 0; i < 10; i++) {
      ;(await client.post(`/webhooks/whatsapp/${channel.id}`).header('x-hub-signature-256', sign(body)).json(JSON.parse(body))).assertStatus(200)
    }
    await until(allProcessed(channel.id), 'the events to be processed')
    assert.lengthOf(await Message.query().where('channel_id', channel.id), 1)
    assert.equal((await Conversation.query().where('channel_id', channel.id).firstOrFail()).unreadCount, 1)
  })

  test('statuses out of order and repeated end at the right one; failed carries the reason', async ({ client, assert }) => {
    const channel = await cloudChannel()
    const contact = await Contact.create({ workspaceId: channel.workspaceId, phone: '+79001234567', optInStatus: 'opted_in', blocked: false, attributes: {} })
    const conversation = await Conversation.create({ workspaceId: channel.workspaceId, contactId: contact.id, channelId: channel.id, status: 'open', lastActivityAt: DateTime.now(), unreadCount: 0 })
    const base = { workspaceId: channel.workspaceId, conversationId: conversation.id, channelId: channel.id, direction: 'outbound' as const, type: 'text' as const, content: { body: 'Hi' }, authorType: 'agent' as const }
    const read = await Message.create({ ...base, providerMessageId: 'wamid.OUT1', status: 'sent' })
    const failed = await Message.create({ ...base, providerMessageId: 'wamid.OUT2', status: 'sent' })

    const storm = [status('wamid.OUT1', 'read'), status('wamid.OUT1', 'delivered'), status('wamid.OUT1', 'sent'), status('wamid.OUT1', 'read'),
      status('wamid.OUT2', 'failed', [{ code: 131047, title: 'Re-engagement message', error_data: { details: 'Message failed to send because more than 24 hours have passed' } }])]
    for (const payload of storm) {
      const body = JSON.stringify(payload)
      ;(await client.post(`/webhooks/whatsapp/${channel.id}`).header('x-hub-signature-256', sign(body)).json(payload)).assertStatus(200)
      await until(allProcessed(channel.id), 'the status to be processed')
    }
    await read.refresh()
    await failed.refresh()
    assert.equal(read.status, 'read')
    assert.isNotNull(read.readAt)
    assert.equal(failed.status, 'failed')
    assert.equal(failed.errorCode, '131047')
    assert.equal(failed.errorReason, 'outside the 24-hour customer-service window: send an approved template')
  })

  test('an acknowledged event whose job was lost is processed after the sweeper runs', async ({ assert }) => {
    const channel = await cloudChannel()
    // As if the webhook was stored and answered 200, then Redis lost the job.
    await db.table('webhook_events').insert({
      workspace_id: channel.workspaceId,
      channel_id: channel.id,
      provider: channel.provider,
      body: JSON.stringify(inbound('wamid.LOST', 'Still here')),
      received_at: DateTime.now().minus({ minutes: 5 }).toSQL(),
    })
    await sweepWebhookEvents.handle({} as never, {} as never)
    await until(allProcessed(channel.id), 'the swept event to be processed')
    const message = await Message.findByOrFail('provider_message_id', 'wamid.LOST')
    assert.deepEqual(message.content, { body: 'Still here' })
  })
})
