import { test } from '@japa/runner'
import { truncateTables } from '#tests/helpers/database'
import fc from 'fast-check'
import redis from '@adonisjs/redis/services/main'
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
import { dropQueuedJobs, jobsIdle, metaSignature, startWorker, until } from '#messaging/tests/support'

const SECRET = 'reliability-secret'
const sign = (body: string) => metaSignature(SECRET, body)

/** One webhook from Meta carrying `count` messages, each from its own customer. */
function batch(index: number, count: number) {
  const customers = Array.from({ length: count }, (_, i) => `4930${String(index * count + i).padStart(7, '0')}`)
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              contacts: customers.map((waId) => ({ profile: { name: `Kunde ${waId}` }, wa_id: waId })),
              messages: customers.map((from, i) => ({ from, id: `wamid.K${index}.${i}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `Nachricht ${index}.${i}` } })),
            },
          },
        ],
      },
    ],
  }
}

/** Meta's "delivered" for one of our messages. */
const delivered = (id: string) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', statuses: [{ id, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '15550009999' }] } }] }],
})

const count = async (query: any) => Number((await query.count('* as n'))[0].n)
const unprocessed = (channelId: number) => count(db.from('webhook_events').where('channel_id', channelId).whereNull('processed_at'))

/**
 * What must never happen to an acknowledged webhook: lost, processed twice, or wedged by a
 * hostile payload. Workers run in other processes or outside transactions: tables are truncated.
 */
test.group('Webhook reliability', (group) => {
  group.each.setup(() => async () => {
    // Each test closes its workers: a failed job's retry queued meanwhile has nobody to run it.
    await dropQueuedJobs()
    await until(() => jobsIdle(), 'the queues to be idle', 30_000)
    await truncateTables()
  })

  async function cloudChannel() {
    const { workspace, user } = await workspaceWithMember('owner')
    await pluginEnablement.enable(workspace, 'whatsapp-cloud', user.id)
    return Channel.create({ workspaceId: workspace.id, provider: 'whatsapp-cloud', name: 'Support', displayPhone: '+15550001111', providerIds: {}, credentials: { appSecret: SECRET }, throughputPerSecond: 80 })
  }

  async function post(client: any, channelId: number, payload: unknown) {
    const body = JSON.stringify(payload)
    const response = await client.post(`/webhooks/whatsapp/${channelId}`).header('content-type', 'application/json').header('x-hub-signature-256', sign(body)).form(body)
    response.assertStatus(200)
  }

  test('kill -9 of the worker mid-batch: after a restart every event is processed exactly once', async ({ client, assert }) => {
    const channel = await cloudChannel()
    const events = 120
    const perEvent = 5
    // Replies sent earlier, whose "delivered" statuses come between the messages: the batches
    // store their messages and apply their statuses in two commits, and the kill may fall between.
    const contact = await Contact.create({ workspaceId: channel.workspaceId, phone: '+15550009999', optInStatus: 'opted_in', blocked: false, attributes: {} })
    const conversation = await Conversation.create({ workspaceId: channel.workspaceId, contactId: contact.id, channelId: channel.id, status: 'open', lastActivityAt: DateTime.now(), unreadCount: 0 })
    const replies = 24
    for (let i = 0; i < replies; i++) {
      await Message.create({ workspaceId: channel.workspaceId, conversationId: conversation.id, channelId: channel.id, direction: 'outbound', type: 'text', content: { body: 'Hi' }, authorType: 'agent', providerMessageId: `wamid.R${i}`, status: 'sent' })
    }
    for (let i = 0; i < events; i++) {
      await post(client, channel.id, batch(i, perEvent))
      if (i % 5 === 0) await post(client, channel.id, delivered(`wamid.R${i / 5}`))
    }

    const first = startWorker()
    await until(async () => (await unprocessed(channel.id)) < events - 10, 'the first worker to get going', 60_000)
    first.kill('SIGKILL')
    await new Promise((resolve) => first.once('exit', resolve))
    const left = await unprocessed(channel.id)
    assert.isAbove(left, 0, 'the worker was killed before it finished')

    // Jobs the dead worker held come back when their lock expires (BullMQ's stalled check).
    const second = startWorker()
    try {
      // Done when every event is processed and the dead worker's jobs came back and finished too.
      await until(async () => (await unprocessed(channel.id)) === 0 && (await jobsIdle()), 'the restarted worker to finish', 120_000)
    } finally {
      second.kill('SIGTERM')
      await new Promise((resolve) => second.once('exit', resolve))
    }
    assert.equal(await count(db.from('messages').where('channel_id', channel.id).where('direction', 'inbound')), events * perEvent)
    // Exactly once: each customer's conversation counted its one message once.
    assert.equal(await count(db.from('conversations').where('channel_id', channel.id).whereNot('id', conversation.id).whereNot('unread_count', 1)), 0)
    assert.equal(await count(db.from('contacts').where('workspace_id', channel.workspaceId)), events * perEvent + 1)
    assert.equal(await count(db.from('messages').where('conversation_id', conversation.id).where('status', 'delivered')), replies)
  }).timeout(240_000)

  test('webhooks posted meanwhile share one wake-up; it takes them a hundred at a time and leaves one that fails to the sweeper', async ({ client, assert }) => {
    const channel = await cloudChannel()
    // A failure inside the database (a bug, a broken constraint) for one message only.
    await db.rawQuery(
      `create function refuse_poison() returns trigger language plpgsql as $$
       begin if new.content->>'body' = 'Nachricht 7.0' then raise exception 'poison refused'; end if; return new; end $$`
    )
    await db.rawQuery('create trigger refuse_poison before insert on messages for each row execute function refuse_poison()')
    try {
      const events = 230
      for (let i = 0; i < events; i++) await post(client, channel.id, batch(i, 1))
      const queued = await jobs.queue('default').getJobCounts('waiting')
      assert.equal(queued.waiting, 1, 'one processing job for every webhook posted before a worker started')

      const workers = jobs.startWorkers(4)
      try {
        await until(async () => (await unprocessed(channel.id)) === 1, 'every other event to be processed', 30_000)
      } finally {
        await Promise.all(workers.map((worker) => worker.close()))
      }
      assert.equal(await count(db.from('messages').where('channel_id', channel.id)), events - 1)
      const poison = await db.from('webhook_events').where('channel_id', channel.id).whereNull('processed_at').firstOrFail()
      assert.equal(poison.attempts, 1, 'tried once by the wake-ups; the sweeper retries it')
      assert.include(poison.last_error, 'poison refused')
    } finally {
      await db.rawQuery('drop trigger refuse_poison on messages')
      await db.rawQuery('drop function refuse_poison')
    }
  }).timeout(60_000)

  test('Redis flushed after the 200: the sweeper queues the events again and nothing is lost', async ({ client, assert }) => {
    const channel = await cloudChannel()
    for (let i = 0; i < 10; i++) await post(client, channel.id, batch(i, 2))
    // Every queued job is gone, as after a Redis restart without persistence.
    await redis.connection().flushdb()
    await db.from('webhook_events').update({ received_at: DateTime.now().minus({ minutes: 2 }).toSQL() })

    const workers = jobs.startWorkers(4)
    try {
      await sweepWebhookEvents.handle({} as never, {} as never)
      await until(async () => (await unprocessed(channel.id)) === 0, 'the swept events to be processed', 20_000)
    } finally {
      await Promise.all(workers.map((worker) => worker.close()))
    }
    assert.equal(await count(db.from('messages').where('channel_id', channel.id)), 20)
  }).timeout(60_000)

  test('a storm of shuffled, repeated statuses from many posts ends at the right status', async ({ client, assert }) => {
    const channel = await cloudChannel()
    await post(client, channel.id, batch(0, 1))
    const workers = jobs.startWorkers(8)
    try {
      await until(async () => (await unprocessed(channel.id)) === 0, 'the inbound message')
      const inbound = await Message.query().where('channel_id', channel.id).firstOrFail()
      const outbound = await Message.createMany(
        ['A', 'B', 'C', 'D'].map((suffix) => ({
          workspaceId: channel.workspaceId,
          conversationId: inbound.conversationId,
          channelId: channel.id,
          direction: 'outbound' as const,
          type: 'text' as const,
          content: { body: suffix },
          providerMessageId: `wamid.STORM.${suffix}`,
          status: 'sent' as const,
          authorType: 'agent' as const,
        }))
      )
      const finals = { A: 'read', B: 'delivered', C: 'failed', D: 'read' } as const
      const statuses = Object.entries(finals).flatMap(([suffix, last]) => {
        const path = last === 'failed' ? ['sent', 'failed'] : last === 'read' ? ['sent', 'delivered', 'read'] : ['sent', 'delivered']
        return path.flatMap((status) => Array(3).fill({ id: `wamid.STORM.${suffix}`, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '1', ...(status === 'failed' ? { errors: [{ code: 131026, title: 'Message undeliverable' }] } : {}) }))
      })
      const shuffled = fc.sample(fc.shuffledSubarray(statuses, { minLength: statuses.length }), { numRuns: 1, seed: 42 })[0]
      await Promise.all(
        shuffled.map((status) => post(client, channel.id, { object: 'whatsapp_business_account', entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { statuses: [status] } }] }] }))
      )
      await until(async () => (await unprocessed(channel.id)) === 0, 'the storm to be processed', 20_000)
      for (const message of outbound) {
        await message.refresh()
        assert.equal(message.status, finals[message.content.body as keyof typeof finals])
      }
      const c = outbound.find((message) => message.content.body === 'C')!
      assert.equal(c.errorCode, '131026')
    } finally {
      await Promise.all(workers.map((worker) => worker.close()))
    }
  }).timeout(60_000)

  test('1,000 random and malformed payloads: never a 500, and every stored event is processed', async ({ client, assert }) => {
    const channel = await cloudChannel()
    const anything = fc.oneof(fc.jsonValue(), fc.string({ unit: 'binary' }), fc.constant('\u0000'), fc.integer())
    const message = fc.record(
      {
        from: fc.oneof(fc.constantFrom('79001234567', '4915112345678', '+1 555', ''), anything),
        id: fc.oneof(fc.string({ minLength: 1, maxLength: 300 }), anything),
        timestamp: fc.oneof(fc.constantFrom('1700000000', '-1', 'soon'), anything),
        type: fc.oneof(fc.constantFrom('text', 'image', 'reaction', 'contacts', 'interactive', 'unsupported', 'order', 'system'), fc.string()),
        text: fc.oneof(fc.record({ body: anything }), anything),
        image: anything,
        reaction: fc.oneof(fc.record({ message_id: anything, emoji: anything }), anything),
        contacts: anything,
        context: fc.oneof(fc.record({ id: anything }), anything),
      },
      { requiredKeys: [] }
    )
    const status = fc.record({ id: anything, status: fc.oneof(fc.constantFrom('sent', 'delivered', 'read', 'failed', 'played'), anything), timestamp: anything, errors: anything }, { requiredKeys: [] })
    const value = fc.record(
      {
        messaging_product: fc.constant('whatsapp'),
        contacts: fc.oneof(fc.array(fc.record({ profile: fc.record({ name: anything }), wa_id: anything }), { maxLength: 3 }), anything),
        messages: fc.oneof(fc.array(message, { maxLength: 3 }), anything),
        statuses: fc.oneof(fc.array(status, { maxLength: 3 }), anything),
      },
      { requiredKeys: [] }
    )
    const envelope = fc.record({ object: fc.constant('whatsapp_business_account'), entry: fc.oneof(fc.array(fc.record({ id: anything, changes: fc.oneof(fc.array(fc.record({ field: fc.constant('messages'), value: fc.oneof(value, anything) }), { maxLength: 3 }), anything) }), { maxLength: 3 }), anything) }, { requiredKeys: [] })
    const malformed = fc.oneof(fc.string(), fc.constantFrom('{', '{"entry": [', '[1,', 'null,', '\u0000'))
    const bodies = fc.sample(fc.oneof(envelope.map((e) => JSON.stringify(e)), fc.jsonValue().map((v) => JSON.stringify(v)), malformed), { numRuns: 1000, seed: 20261125 })

    const answers = new Map<number, number>()
    for (const body of bodies) {
      const response = await client.post(`/webhooks/whatsapp/${channel.id}`).header('content-type', 'application/json').header('x-hub-signature-256', sign(body)).form(body)
      answers.set(response.status(), (answers.get(response.status()) ?? 0) + 1)
    }
    assert.deepEqual([...answers.keys()].filter((status) => ![200, 400].includes(status)), [], `answers: ${JSON.stringify([...answers])}`)
    assert.isAbove(answers.get(200) ?? 0, 500)

    const workers = jobs.startWorkers(8)
    try {
      await until(async () => (await unprocessed(channel.id)) === 0, 'every stored event to be processed', 60_000)
    } finally {
      await Promise.all(workers.map((worker) => worker.close()))
    }
  }).timeout(180_000)
})
