import { test } from '@japa/runner'
import type { NumberConfig } from '#simulator/simulator/server'
import { CUSTOMER, rig, type Receiver } from '../helpers.js'

const gupshupNumber = (receiver: Receiver, overrides: Partial<NumberConfig> = {}): NumberConfig => ({
  mode: 'gupshup',
  phoneNumberId: 'gs-1',
  displayPhone: '15550004001',
  apiKey: 'gs-key',
  appName: 'SwitchboardDemo',
  webhookUrl: `${receiver.url}/webhooks/whatsapp/12?token=abc`,
  statusBehaviour: { delayMs: 5 },
  ...overrides,
})

function post(url: string, fields: Record<string, string>, key = 'gs-key') {
  return fetch(url, {
    method: 'POST',
    headers: { apikey: key, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ channel: 'whatsapp', source: '15550004001', destination: CUSTOMER, 'src.name': 'SwitchboardDemo', ...fields }),
  })
}

const sendMessage = (url: string, message: unknown, key?: string) => post(`${url}/wa/api/v1/msg`, { message: JSON.stringify(message) }, key)

test.group('Gupshup', () => {
  test('a form-encoded send is submitted; callbacks go enqueued → sent → delivered → read, correlated by gsId ?? id', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(gupshupNumber(receiver))
    await sim.inject('gs-1', { from: CUSTOMER, type: 'text', text: 'hi' })

    const response = await sendMessage(sim.url, { type: 'text', text: 'Hello from Gupshup' })
    assert.equal(response.status, 202)
    assert.oneOf(response.headers.get('content-type'), ['text/html; charset=UTF-8', 'application/json'])
    const answer = JSON.parse(await response.text())
    assert.equal(answer.status, 'submitted')
    assert.match(answer.messageId, /^[0-9a-f-]{36}$/)
    await sim.settle()

    const events = receiver.deliveries.map((delivery) => delivery.body).filter((body) => body.type === 'message-event')
    assert.isTrue(receiver.deliveries.every((delivery) => delivery.url === '/webhooks/whatsapp/12?token=abc'))
    assert.isTrue(receiver.deliveries.every((delivery) => delivery.headers['x-hub-signature-256'] === undefined), 'unsigned')
    assert.deepEqual(events.map((event) => event.payload.type), ['enqueued', 'sent', 'delivered', 'read'])
    const [enqueued, ...rest] = events
    const record = sim.received('gs-1')[0]
    assert.include(enqueued, { app: 'SwitchboardDemo', version: 2, type: 'message-event' })
    assert.isNumber(enqueued.timestamp)
    assert.equal(enqueued.payload.id, answer.messageId)
    assert.equal(enqueued.payload.destination, CUSTOMER)
    assert.equal(enqueued.payload.payload.whatsappMessageId, record.wamid)
    for (const event of rest) {
      assert.equal(event.payload.gsId ?? event.payload.id, answer.messageId)
      assert.isNumber(event.payload.payload.ts ?? event.payload.ts)
    }
    assert.deepInclude(record.body, { channel: 'whatsapp', destination: CUSTOMER, message: { type: 'text', text: 'Hello from Gupshup' } })
  }).timeout(10000)

  test('refusals: a bad apikey, a wrong source, 4 quick replies, a 21-character option, 11 list rows, throughput', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(gupshupNumber(receiver, { throughputPerSecond: 1, windowEnforcement: 'off' }))
    const option = (title: string) => ({ type: 'text', title, postbackText: title })
    const quickReply = (titles: string[]) => ({ type: 'quick_reply', msgid: 'q1', content: { type: 'text', text: 'Pick' }, options: titles.map(option) })
    const list = (rows: number) => ({
      type: 'list',
      title: 'Menu',
      body: 'Choose',
      globalButtons: [{ type: 'text', title: 'Open' }],
      items: [{ title: 'All', options: Array.from({ length: rows }, (_, i) => option(`Row ${i}`)) }],
    })

    const badKey = await sendMessage(sim.url, { type: 'text', text: 'x' }, 'nope')
    assert.equal(badKey.status, 401)
    assert.deepEqual(await badKey.json(), { status: 'error', message: 'Authentication Failed' })

    const wrongSource = await post(`${sim.url}/wa/api/v1/msg`, { source: '19999999999', message: JSON.stringify({ type: 'text', text: 'x' }) })
    assert.equal(((await wrongSource.json()) as any).message, 'Invalid Source')

    for (const [message, pattern] of [
      [quickReply(['A', 'B', 'C', 'D']), /buttons count/],
      [quickReply(['x'.repeat(21)]), /length invalid/],
      [list(11), /row count/],
      [{ type: 'poll' }, /Invalid message type/],
    ] as const) {
      const refused = await sendMessage(sim.url, message)
      const body = (await refused.json()) as any
      assert.equal(refused.status, 400)
      assert.equal(body.status, 'error')
      assert.match(body.message, pattern)
    }

    assert.equal((await sendMessage(sim.url, quickReply(['Yes', 'No']))).status, 202)
    const throttled = await sendMessage(sim.url, list(3))
    assert.equal(throttled.status, 429)
    assert.equal(((await throttled.json()) as any).status, 'error')
  }).timeout(10000)

  test('a closed window in status mode is a failed event with code 470', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(gupshupNumber(receiver, { windowEnforcement: 'status' }))
    const answer = (await (await sendMessage(sim.url, { type: 'text', text: 'late' })).json()) as any
    await sim.settle()

    const events = receiver.deliveries.map((delivery) => delivery.body.payload)
    assert.deepEqual(events.map((event) => event.type), ['enqueued', 'failed'])
    assert.equal(events[1].gsId ?? events[1].id, answer.messageId)
    assert.equal(events[1].payload.code, 470)
    assert.include(events[1].payload.reason, '24 hours')
  }).timeout(10000)

  test('template/msg checks the template id and its params', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(gupshupNumber(receiver))
    const listed = (await (await fetch(`${sim.url}/sm/api/v1/template/list/SwitchboardDemo`, { headers: { apikey: 'gs-key' } })).json()) as any
    const sale = listed.templates.find((template: any) => template.elementName === 'spring_sale')
    const order = listed.templates.find((template: any) => template.elementName === 'order_update')
    assert.match(sale.id, /^[0-9a-f-]{36}$/)
    const sendTemplate = (template: unknown, message?: unknown) =>
      post(`${sim.url}/wa/api/v1/template/msg`, { template: JSON.stringify(template), ...(message ? { message: JSON.stringify(message) } : {}) })

    assert.equal((await sendTemplate({ id: sale.id, params: ['20%', 'Ana'] })).status, 202)
    const wrongCount = await sendTemplate({ id: sale.id, params: ['20%'] })
    assert.equal(wrongCount.status, 400)
    assert.match(((await wrongCount.json()) as any).message, /params count/)
    assert.equal((await sendTemplate({ id: 'no-such-template', params: [] })).status, 400)
    const noHeader = await sendTemplate({ id: order.id, params: ['Ana', '#1'] })
    assert.equal(noHeader.status, 400)
    assert.equal((await sendTemplate({ id: order.id, params: ['Ana', '#1'] }, { type: 'image', image: { link: 'https://example.com/p.jpg' } })).status, 202)
    assert.deepEqual(sim.received('gs-1').map((record) => record.type), ['template', 'template'])
  }).timeout(10000)

  test('inbound: Gupshup v2 message shapes, replies with context, and user-events', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(gupshupNumber(receiver, { windowEnforcement: 'off' }))
    const { messageId } = (await (await sendMessage(sim.url, { type: 'text', text: 'Pick' })).json()) as any
    await sim.settle()
    receiver.deliveries.splice(0)

    const text = await sim.inject('gs-1', { from: '447700900123', name: 'Zoë', type: 'text', text: 'hi', context: { id: messageId } })
    await sim.inject('gs-1', { from: '447700900123', type: 'image', caption: 'look' })
    await sim.inject('gs-1', { from: '447700900123', type: 'interactive', interactive: { type: 'button_reply', id: 'yes', title: 'Yes' } })
    await sim.inject('gs-1', { from: '447700900123', type: 'interactive', interactive: { type: 'list_reply', id: 'r1', title: 'Row 1', description: 'first' } })
    await sim.inject('gs-1', { from: '447700900123', type: 'document' })
    await sim.inject('gs-1', { from: '447700900123', type: 'opt-out' })

    const [textEvent, image, button, listReply, file, optOut] = receiver.deliveries.map((delivery) => delivery.body)
    assert.include(textEvent, { app: 'SwitchboardDemo', version: 2, type: 'message' })
    assert.deepEqual(textEvent.payload, {
      id: text,
      source: '447700900123',
      type: 'text',
      payload: { text: 'hi' },
      sender: { phone: '447700900123', name: 'Zoë', country_code: '44', dial_code: '7700900123' },
      context: { id: sim.received('gs-1')[0].wamid, gsId: messageId },
    })
    assert.equal(image.payload.type, 'image')
    assert.include(image.payload.payload, { caption: 'look', contentType: 'image/png' })
    assert.isNumber(image.payload.payload.urlExpiry)
    const picture = await fetch(image.payload.payload.url)
    assert.equal(picture.status, 200, "Gupshup's media URLs need no key")
    assert.oneOf(button.payload.type, ['button_reply', 'quick_reply'])
    assert.deepEqual(button.payload.payload, { title: 'Yes', id: 'yes', reply: 'Yes', postbackText: 'yes' })
    assert.equal(listReply.payload.type, 'list_reply')
    assert.deepEqual(listReply.payload.payload, { title: 'Row 1', id: 'r1', reply: 'Row 1', postbackText: 'r1', description: 'first' })
    assert.equal(file.payload.type, 'file')
    assert.equal(optOut.type, 'user-event')
    assert.deepEqual(optOut.payload, { phone: '447700900123', type: 'opted-out' })
  }).timeout(10000)
})
