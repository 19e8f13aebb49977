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
import { MAX_ATTEMPTS, processWebhookEvents } from '#messaging/jobs/process_webhook_events'
import { jobsIdle, metaSignature, until } from '#messaging/tests/support'

const SECRET = 'app-secret'
const sign = (body: string) => metaSignature(SECRET, body)
const envelope = (value: Record<string, unknown>) =>
  ({ object: 'whatsapp_business_account', entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', ...value } }] }] })
const inbound = (id: string, text: string) =>
  envelope({
    contacts: [{ profile: { name: 'Ana' }, wa_id: '79001234567' }],
    messages: [{ from: '79001234567', id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
  })
const body = (payload: unknown) => JSON.stringify(payload)
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

  test('a batch in one envelope: a repeated id stored once, a reply and a reaction to a message of the same batch, one reopen', async ({ client, assert }) => {
    const channel = await cloudChannel()
    const first = body(inbound('wamid.B1', 'first'))
    ;(await client.post(`/webhooks/whatsapp/${channel.id}`).header('x-hub-signature-256', sign(first)).json(JSON.parse(first))).assertStatus(200)
    await until(allProcessed(channel.id), 'the first message')
    const conversation = await Conversation.findByOrFail('channel_id', channel.id)
    await conversation.merge({ status: 'resolved', unreadCount: 0 }).save()

    const at = String(Math.floor(Date.now() / 1000))
    const from = '79001234567'
    const batch = envelope({
      contacts: [{ profile: { name: 'Ana Maria' }, wa_id: from }],
      messages: [
        { from, id: 'wamid.B2', timestamp: at, type: 'text', text: { body: 'second' } },
        { from, id: 'wamid.B2', timestamp: at, type: 'text', text: { body: 'second' } },
        { from, id: 'wamid.B3', timestamp: at, type: 'text', text: { body: 'answering' }, context: { from, id: 'wamid.B2' } },
        { from, id: 'wamid.B4', timestamp: at, type: 'reaction', reaction: { message_id: 'wamid.B1', emoji: '👍' } },
      ],
    })
    const text = body(batch)
    ;(await client.post(`/webhooks/whatsapp/${channel.id}`).header('x-hub-signature-256', sign(text)).json(JSON.parse(text))).assertStatus(200)
    await until(allProcessed(channel.id), 'the batch')

    const messages = await Message.query().where('channel_id', channel.id).orderBy('id')
    assert.deepEqual(messages.map((message) => message.providerMessageId), ['wamid.B1', 'wamid.B2', 'wamid.B3', 'wamid.B4'])
    const [b1, b2, b3, b4] = messages
    assert.equal(b3.replyToId, b2.id)
    assert.equal(b4.replyToId, b1.id)
    await conversation.refresh()
    assert.equal(conversation.status, 'open')
    assert.equal(conversation.unreadCount, 3)
    assert.lengthOf(await Conversation.query().where('channel_id', channel.id), 1)
    assert.equal((await Contact.findByOrFail('phone', '+79001234567')).profileName, 'Ana Maria')
  })

  test('one event that cannot be stored does not hold back its batch: it is counted, kept and given up on after the last attempt', async ({ assert }) => {
    const channel = await cloudChannel()
    // A failure inside the database (a bug, a broken constraint) for one message only.
    await db.rawQuery(
      `create function refuse_poison() returns trigger language plpgsql as $$
       begin if new.content->>'body' = 'POISON' then raise exception 'poison refused'; end if; return new; end $$`
    )
    await db.rawQuery('create trigger refuse_poison before insert on messages for each row execute function refuse_poison()')
    const eventIds: number[] = []
    for (const [id, text] of [['wamid.OK1', 'one'], ['wamid.BAD', 'POISON'], ['wamid.OK2', 'two']]) {
      const [row] = await db
        .table('webhook_events')
        .insert({ workspace_id: channel.workspaceId, channel_id: channel.id, provider: channel.provider, body: JSON.stringify(inbound(id, text)), received_at: DateTime.now().minus({ minutes: 5 }).toSQL() })
        .returning('id')
      eventIds.push(Number(row.id))
    }

    await assert.rejects(() => processWebhookEvents.handle({ eventIds }, {} as never), new RegExp(`webhook events ${eventIds[1]} could not`))
    const stored = await Message.query().where('channel_id', channel.id).orderBy('id')
    assert.deepEqual(stored.map((message) => message.providerMessageId), ['wamid.OK1', 'wamid.OK2'])
    const bad = await db.from('webhook_events').where('id', eventIds[1]).firstOrFail()
    assert.isNull(bad.processed_at)
    assert.equal(bad.attempts, 1)
    assert.include(bad.last_error, 'poison refused')

    // After its last attempt the sweeper no longer queues it: it waits for an operator.
    await db.from('webhook_events').where('id', eventIds[1]).update({ attempts: MAX_ATTEMPTS })
    await sweepWebhookEvents.handle({} as never, {} as never)
    await until(() => jobsIdle(), 'the queues to be idle')
    assert.equal((await db.from('webhook_events').where('id', eventIds[1]).firstOrFail()).attempts, MAX_ATTEMPTS)
  })

  test('messages commit before their batch\'s statuses: an event whose status fails after its message was stored is retried without storing it twice', async ({ assert }) => {
    const channel = await cloudChannel()
    const contact = await Contact.create({ workspaceId: channel.workspaceId, phone: '+79001234567', optInStatus: 'opted_in', blocked: false, attributes: {} })
    const conversation = await Conversation.create({ workspaceId: channel.workspaceId, contactId: contact.id, channelId: channel.id, status: 'open', lastActivityAt: DateTime.now(), unreadCount: 0 })
    const sent = await Message.create({ workspaceId: channel.workspaceId, conversationId: conversation.id, channelId: channel.id, direction: 'outbound', type: 'text', content: { body: 'Hi' }, authorType: 'agent', providerMessageId: 'wamid.OUT', status: 'sent' })
    // As if the worker died between the batch's two commits: the status part fails once.
    await db.rawQuery(
      `create function refuse_delivered() returns trigger language plpgsql as $$
       begin if new.status = 'delivered' then raise exception 'delivered refused'; end if; return new; end $$`
    )
    await db.rawQuery('create trigger refuse_delivered before update on messages for each row execute function refuse_delivered()')
    // One webhook with a message only; one carrying a message and a status together.
    const mixed = inbound('wamid.IN2', 'two') as any
    mixed.entry[0].changes[0].value.statuses = (status('wamid.OUT', 'delivered') as any).entry[0].changes[0].value.statuses
    const eventIds: number[] = []
    for (const payload of [inbound('wamid.IN1', 'one'), mixed]) {
      const [row] = await db
        .table('webhook_events')
        .insert({ workspace_id: channel.workspaceId, channel_id: channel.id, provider: channel.provider, body: JSON.stringify(payload), received_at: DateTime.now().minus({ minutes: 5 }).toSQL() })
        .returning('id')
      eventIds.push(Number(row.id))
    }

    await assert.rejects(() => processWebhookEvents.handle({ eventIds }, {} as never), new RegExp(`webhook events ${eventIds[1]} could not`))
    // Both messages are stored; only the event whose status is still to apply waits.
    assert.deepEqual((await Message.query().where('direction', 'inbound').where('channel_id', channel.id).orderBy('id')).map((m) => m.providerMessageId), ['wamid.IN1', 'wamid.IN2'])
    assert.isNotNull((await db.from('webhook_events').where('id', eventIds[0]).firstOrFail()).processed_at)
    const waiting = await db.from('webhook_events').where('id', eventIds[1]).firstOrFail()
    assert.isNull(waiting.processed_at)
    assert.include(waiting.last_error, 'delivered refused')
    await sent.refresh()
    assert.equal(sent.status, 'sent')

    await db.rawQuery('drop trigger refuse_delivered on messages')
    await processWebhookEvents.handle({ eventIds: [eventIds[1]] }, {} as never)
    await sent.refresh()
    assert.equal(sent.status, 'delivered')
    assert.isNotNull((await db.from('webhook_events').where('id', eventIds[1]).firstOrFail()).processed_at)
    assert.lengthOf(await Message.query().where('direction', 'inbound').where('channel_id', channel.id), 2)
    await conversation.refresh()
    assert.equal(conversation.unreadCount, 2)
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
