import { test } from '@japa/runner'
import type { InboundInput } from '#simulator/simulator/server'
import { CUSTOMER, cloudNumber, eventually, graphSend, hmac, metaMessages, metaStatuses, rig } from '../helpers.js'

test.group('Webhooks (Meta envelope)', () => {
  test('an inbound webhook is signed over the exact bytes, non-ASCII escaped as Meta does', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver))

    const id = await sim.inject('1001', { from: CUSTOMER, name: 'José Ñandú 👍', type: 'text', text: 'Olá / ✓' })

    const [delivery] = receiver.deliveries
    assert.equal(delivery.url, '/webhooks/whatsapp/1')
    assert.equal(delivery.headers['x-hub-signature-256'], `sha256=${hmac('app-secret', delivery.raw)}`)
    assert.equal(delivery.headers['content-type'], 'application/json')
    const text = delivery.raw.toString('latin1')
    assert.notMatch(text, /[^\x20-\x7e]/, 'only printable ASCII on the wire')
    assert.include(text, 'Jos\\u00e9 \\u00d1and\\u00fa \\ud83d\\udc4d')
    assert.include(text, 'Ol\\u00e1 \\/ \\u2713')
    assert.notEqual(hmac('app-secret', Buffer.from(JSON.stringify(delivery.body))), hmac('app-secret', delivery.raw), 're-serialising breaks it')

    const value = delivery.body.entry[0].changes[0].value
    assert.equal(delivery.body.object, 'whatsapp_business_account')
    assert.equal(delivery.body.entry[0].id, '2001')
    assert.equal(delivery.body.entry[0].changes[0].field, 'messages')
    assert.deepEqual(value.metadata, { display_phone_number: '15550001001', phone_number_id: '1001' })
    assert.deepEqual(value.contacts, [{ profile: { name: 'José Ñandú 👍' }, wa_id: CUSTOMER }])
    assert.deepEqual(value.messages[0], {
      from: CUSTOMER,
      id,
      timestamp: value.messages[0].timestamp,
      type: 'text',
      text: { body: 'Olá / ✓' },
    })
    assert.match(value.messages[0].timestamp, /^\d{10}$/)
  }).timeout(10000)

  test('statuses reach sent → delivered → read in order, with conversation and pricing on sent', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver))
    await sim.inject('1001', { from: CUSTOMER, type: 'text', text: 'hi' })

    const { body } = await graphSend(sim, { type: 'text', text: { body: 'Hello' }, biz_opaque_callback_data: 'trace-7' })
    const wamid = body.messages[0].id
    await sim.settle()

    const statuses = metaStatuses(receiver.deliveries).filter((status) => status.id === wamid)
    assert.deepEqual(statuses.map((status) => status.status), ['sent', 'delivered', 'read'])
    const [sent] = statuses
    assert.equal(sent.recipient_id, CUSTOMER)
    assert.match(sent.timestamp, /^\d{10}$/)
    assert.equal(sent.conversation.origin.type, 'service')
    assert.isString(sent.conversation.expiration_timestamp)
    assert.deepEqual(sent.pricing, { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' })
    assert.equal(sent.biz_opaque_callback_data, 'trace-7')
    for (const delivery of receiver.deliveries) {
      assert.equal(delivery.headers['x-hub-signature-256'], `sha256=${hmac('app-secret', delivery.raw)}`)
    }
    assert.equal(sim.received('1001')[0].status, 'read')
  }).timeout(10000)

  test('shuffled, duplicated, batched statuses without delivered still reach read', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(
      cloudNumber(receiver, { windowEnforcement: 'off', statusBehaviour: { delivered: false, shuffle: true, duplicates: 1, batch: true, delayMs: 10 } })
    )
    const ids = []
    for (let i = 0; i < 3; i++) ids.push((await graphSend(sim, { type: 'text', text: { body: `m${i}` } })).body.messages[0].id)
    await sim.settle()

    const statuses = metaStatuses(receiver.deliveries)
    assert.isBelow(receiver.deliveries.length, statuses.length, 'several statuses per POST')
    for (const id of ids) {
      const mine = statuses.filter((status) => status.id === id).map((status) => status.status)
      assert.sameMembers([...new Set(mine)], ['sent', 'read'], id)
      assert.lengthOf(mine, 4, 'each posted twice')
    }
  }).timeout(10000)

  test('a webhook answered 500 is retried with the same bytes until 2xx', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver))
    receiver.answer(500, 502)

    await sim.inject('1001', { from: CUSTOMER, type: 'text', text: 'retry me' })
    await sim.settle()

    assert.lengthOf(receiver.deliveries, 3)
    assert.isTrue(receiver.deliveries.every((delivery) => delivery.raw.equals(receiver.deliveries[0].raw)))
    assert.include(sim.stats().webhooks, { attempts: 3, delivered: 1, retried: 2, failed: 0, pending: 0 })
  }).timeout(10000)

  test('retries are bounded: a receiver that always fails is given up on', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver))
    receiver.answer(500, 500, 500, 500, 500)

    await sim.inject('1001', { from: CUSTOMER, type: 'text', text: 'lost' })
    await sim.settle()

    assert.lengthOf(receiver.deliveries, 3, 'the first attempt and two retries (the test rig has two delays)')
    assert.include(sim.stats().webhooks, { failed: 1, pending: 0 })
  }).timeout(10000)

  test('inject builds a well-formed message for every type', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver, { windowEnforcement: 'off' }))
    const business = (await graphSend(sim, { type: 'text', text: { body: 'Pick one' } })).body.messages[0].id

    const inputs: InboundInput[] = [
      { from: CUSTOMER, type: 'text', text: 'hello', context: { id: business } },
      { from: CUSTOMER, type: 'image', caption: 'a photo' },
      { from: CUSTOMER, type: 'video' },
      { from: CUSTOMER, type: 'audio', media: { voice: true } },
      { from: CUSTOMER, type: 'document', caption: 'invoice', media: { mimeType: 'application/pdf', data: Buffer.from('%PDF-1.4').toString('base64'), filename: 'invoice.pdf' } },
      { from: CUSTOMER, type: 'sticker' },
      { from: CUSTOMER, type: 'location', location: { latitude: 38.72, longitude: -9.14, name: 'Lisbon' } },
      { from: CUSTOMER, type: 'contacts' },
      { from: CUSTOMER, type: 'interactive', interactive: { type: 'button_reply', id: 'yes', title: 'Yes' }, context: { id: business } },
      { from: CUSTOMER, type: 'interactive', interactive: { type: 'list_reply', id: 'r1', title: 'Row 1', description: 'first' } },
      { from: CUSTOMER, type: 'button', button: { payload: 'CONFIRM_1042', text: 'Confirm delivery' } },
      { from: CUSTOMER, type: 'reaction', reaction: { messageId: business, emoji: '👍' } },
      { from: CUSTOMER, type: 'unsupported' },
    ]
    const ids = []
    for (const input of inputs) ids.push(await sim.inject('1001', input))

    const messages = metaMessages(receiver.deliveries)
    assert.deepEqual(messages.map((message) => message.id), ids)
    for (const [i, message] of messages.entries()) {
      assert.equal(message.from, CUSTOMER)
      assert.equal(message.type, inputs[i].type)
      assert.match(message.timestamp, /^\d+$/)
      if (message.type !== 'unsupported') assert.exists(message[message.type], message.type)
    }
    const byType = (type: string) => messages.filter((message) => message.type === type)
    assert.deepEqual(messages[0].context, { from: '15550001001', id: business })

    const image = byType('image')[0].image
    assert.equal(image.caption, 'a photo')
    assert.equal(image.mime_type, 'image/png')
    assert.match(image.sha256, /^[A-Za-z0-9+/]+=*$/)
    assert.exists(sim.injected('1001')[1].mediaId)
    assert.equal(image.id, sim.injected('1001')[1].mediaId)
    assert.isTrue(byType('audio')[0].audio.voice)
    assert.include(byType('document')[0].document, { filename: 'invoice.pdf', mime_type: 'application/pdf', caption: 'invoice' })
    assert.equal(byType('sticker')[0].sticker.mime_type, 'image/webp')
    assert.deepEqual(byType('location')[0].location, { latitude: 38.72, longitude: -9.14, name: 'Lisbon' })
    assert.equal(byType('contacts')[0].contacts[0].name.formatted_name, 'Ana Lima')
    const [buttonReply, listReply] = byType('interactive')
    assert.deepEqual(buttonReply.interactive, { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } })
    assert.deepEqual(listReply.interactive, { type: 'list_reply', list_reply: { id: 'r1', title: 'Row 1', description: 'first' } })
    assert.deepEqual(byType('button')[0].button, { payload: 'CONFIRM_1042', text: 'Confirm delivery' })
    assert.deepEqual(byType('reaction')[0].reaction, { message_id: business, emoji: '👍' })
    assert.equal(byType('unsupported')[0].errors[0].code, 131051)
  }).timeout(10000)

  test('without shuffle, each message\'s statuses arrive in order even with many in flight', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver, { windowEnforcement: 'off', statusBehaviour: { delayMs: 1 } }))
    for (let i = 0; i < 5; i++) await graphSend(sim, { type: 'text', text: { body: `m${i}` } })
    await eventually(() => metaStatuses(receiver.deliveries).length === 15)

    const ranks = { sent: 0, delivered: 1, read: 2 } as Record<string, number>
    for (const record of sim.received('1001')) {
      const order = metaStatuses(receiver.deliveries).filter((status) => status.id === record.wamid).map((status) => ranks[status.status])
      assert.deepEqual(order, [0, 1, 2])
    }
  }).timeout(10000)
})
