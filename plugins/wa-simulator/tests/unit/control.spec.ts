import { test } from '@japa/runner'
import { CUSTOMER, cloudNumber, graphSend, rig } from '../helpers.js'

async function call(url: string, method: string, body?: unknown) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as any }
}

test.group('Control API and phone page', () => {
  test('numbers, inbound, messages, faults, stats, settle and reset over HTTP', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    const control = `${sim.url}/_sim`

    const added = await call(`${control}/numbers`, 'POST', cloudNumber(receiver))
    assert.equal(added.status, 201)
    assert.include(added.body.numbers[0], { phoneNumberId: '1001', throughputPerSecond: 80, windowEnforcement: 'sync' })
    const invalid = await call(`${control}/numbers`, 'POST', { mode: 'cloud', phoneNumberId: '9', displayPhone: 'x', webhookUrl: 'nope' })
    assert.equal(invalid.status, 422)
    assert.include(invalid.body.error, 'displayPhone')

    const injected = await call(`${control}/inbound`, 'POST', { phoneNumberId: '1001', from: CUSTOMER, type: 'text', text: 'hi' })
    assert.equal(injected.status, 200)
    assert.match(injected.body.id, /^wamid\./)
    assert.deepEqual(injected.body.webhook, { ok: true, status: 200 })
    assert.equal((await call(`${control}/inbound`, 'POST', { phoneNumberId: 'nope', from: CUSTOMER, type: 'text', text: 'x' })).status, 404)
    assert.equal((await call(`${control}/inbound`, 'POST', { phoneNumberId: '1001', from: CUSTOMER, type: 'reaction' })).status, 400)

    assert.equal((await call(`${control}/faults`, 'POST', { phoneNumberId: '1001', responses: [{ status: 500 }] })).body.queued, 1)
    assert.equal((await graphSend(sim, { type: 'text', text: { body: 'x' } })).status, 500)
    const sent = await graphSend(sim, { type: 'text', text: { body: 'x' } })
    assert.equal(sent.status, 200)

    const messages = await call(`${control}/messages?phoneNumberId=1001`, 'GET')
    assert.lengthOf(messages.body.messages, 1)
    assert.include(messages.body.messages[0], { id: sent.body.messages[0].id, to: CUSTOMER, type: 'text', kind: 'message' })

    assert.deepEqual((await call(`${control}/settle`, 'POST')).body, { settled: true })
    const stats = (await call(`${control}/stats`, 'GET')).body
    assert.deepInclude(stats, { numbers: 1, inbound: 1, sends: { accepted: 1, rejected: 0, faulted: 1, byCode: {} } })
    assert.deepEqual(stats.perNumber['1001'], { accepted: 1, rejected: 0, inbound: 1 })
    assert.equal(stats.webhooks.delivered, 4, 'the inbound and three statuses')

    assert.equal((await call(`${control}/reset?keepNumbers=1`, 'DELETE')).status, 200)
    assert.lengthOf(sim.received(), 0)
    assert.lengthOf(sim.numbers(), 1)
    assert.equal((await graphSend(sim, { type: 'text', text: { body: 'x' } })).body.error.code, 131047, 'windows are forgotten')
    await call(`${control}/reset`, 'DELETE')
    assert.lengthOf((await call(`${control}/numbers`, 'GET')).body.numbers, 0)
  }).timeout(10000)

  test('the phone page is served, and its conversation shows both sides, buttons, lists and reactions', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver))

    const page = await fetch(`${sim.url}/phone`)
    assert.equal(page.status, 200)
    assert.include(page.headers.get('content-type')!, 'text/html')
    const html = await page.text()
    assert.include(html, 'prefers-color-scheme: dark')
    assert.include(html, 'width=device-width')

    const hello = await sim.inject('1001', { from: CUSTOMER, type: 'text', text: 'hello' })
    const buttons = await graphSend(sim, {
      type: 'interactive',
      interactive: { type: 'button', body: { text: 'Deliver today?' }, action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }] } },
    })
    await graphSend(sim, {
      type: 'interactive',
      interactive: { type: 'list', body: { text: 'Menu' }, action: { button: 'Open', sections: [{ rows: [{ id: 'r1', title: 'Row 1', description: 'first' }] }] } },
    })
    await graphSend(sim, { type: 'reaction', reaction: { message_id: hello, emoji: '❤️' } })
    await sim.inject('1001', { from: CUSTOMER, type: 'reaction', reaction: { messageId: buttons.body.messages[0].id, emoji: '👍' } })

    const { body } = await call(`${sim.url}/_sim/conversation?phoneNumberId=1001&customer=${CUSTOMER}`, 'GET')
    const items = body.items
    assert.deepEqual(items.map((item: any) => item.from), ['customer', 'business', 'business'])
    assert.include(items[0], { text: 'hello' })
    assert.deepEqual(items[0].reactions, [{ from: 'business', emoji: '❤️' }])
    assert.deepEqual(items[1].buttons, [{ kind: 'reply', id: 'yes', title: 'Yes' }])
    assert.deepEqual(items[1].reactions, [{ from: 'customer', emoji: '👍' }])
    assert.deepEqual(items[2].list, { button: 'Open', sections: [{ rows: [{ id: 'r1', title: 'Row 1', description: 'first' }] }] })
  }).timeout(10000)
})
