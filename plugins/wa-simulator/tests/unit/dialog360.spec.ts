import { test } from '@japa/runner'
import type { NumberConfig } from '#simulator/simulator/server'
import { CUSTOMER, eventually, hmac, metaStatuses, rig, type Receiver } from '../helpers.js'

const dialogNumber = (receiver: Receiver, overrides: Partial<NumberConfig> = {}): NumberConfig => ({
  mode: '360dialog',
  phoneNumberId: '3601',
  displayPhone: '15550003601',
  apiKey: 'd360-key',
  webhookSecret: 'd360-secret',
  webhookUrl: `${receiver.url}/webhooks/whatsapp/7`,
  statusBehaviour: { delayMs: 5 },
  ...overrides,
})

function send(url: string, body: Record<string, unknown>, key = 'd360-key') {
  return fetch(`${url}/messages`, {
    method: 'POST',
    headers: { 'D360-API-KEY': key, 'content-type': 'application/json' },
    body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: CUSTOMER, ...body }),
  })
}

test.group('360dialog', () => {
  test('the D360-API-KEY picks the number; a bad key is 360dialog 401 shape', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(dialogNumber(receiver))
    sim.addNumber(dialogNumber(receiver, { phoneNumberId: '3602', displayPhone: '15550003602', apiKey: 'other-key' }))
    await sim.inject('3602', { from: CUSTOMER, type: 'text', text: 'hi' })

    const denied = await send(sim.url, { type: 'text', text: { body: 'x' } }, 'wrong')
    assert.equal(denied.status, 401)
    const meta = ((await denied.json()) as any).meta
    assert.include(meta, { success: false, http_code: 401, developer_message: 'Invalid api key' })
    assert.isString(meta['360dialog_trace_id'])

    const accepted = await send(sim.url, { type: 'text', text: { body: 'Hello' } }, 'other-key')
    const body = (await accepted.json()) as any
    assert.equal(accepted.status, 200)
    assert.match(body.messages[0].id, /^wamid\./)
    assert.lengthOf(sim.received('3602'), 1)
    assert.lengthOf(sim.received('3601'), 0)

    const invalid = await send(sim.url, { type: 'text', text: {} }, 'other-key')
    assert.equal(invalid.status, 400)
    assert.equal(((await invalid.json()) as any).error.code, 131008, "Meta's error passes through")
  }).timeout(10000)

  test('webhooks carry the x-360dialog-signature over the exact bytes (with or without sha256=)', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(dialogNumber(receiver))

    for (let i = 0; i < 6; i++) await sim.inject('3601', { from: CUSTOMER, name: 'Zoë', type: 'text', text: `hi ${i}` })
    const sent = (await (await send(sim.url, { type: 'text', text: { body: 'Hello' } })).json()) as any
    await eventually(() => metaStatuses(receiver.deliveries).some((status) => status.id === sent.messages[0].id && status.status === 'read'))

    for (const delivery of receiver.deliveries) {
      const signature = String(delivery.headers['x-360dialog-signature'])
      assert.equal(signature.replace(/^sha256=/, ''), hmac('d360-secret', delivery.raw))
      assert.isUndefined(delivery.headers['x-hub-signature-256'], "Meta's signature is not forwarded")
      assert.equal(delivery.body.object, 'whatsapp_business_account')
    }
    const forms = receiver.deliveries.map((delivery) => String(delivery.headers['x-360dialog-signature']).startsWith('sha256='))
    assert.sameMembers([...new Set(forms)], [true, false], 'both forms occur')
    assert.include(receiver.deliveries[0].raw.toString('latin1'), 'Zo\\u00eb')
  }).timeout(10000)

  test('without a secret, the static webhook headers are sent; POST /v1/configs/webhook changes them', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(dialogNumber(receiver, { webhookSecret: undefined, webhookHeaders: { 'X-Switchboard-Token': 'static-1' } }))
    await sim.inject('3601', { from: CUSTOMER, type: 'text', text: 'hi' })
    assert.equal(receiver.deliveries[0].headers['x-switchboard-token'], 'static-1')
    assert.isUndefined(receiver.deliveries[0].headers['x-360dialog-signature'])

    const configured = await fetch(`${sim.url}/v1/configs/webhook`, {
      method: 'POST',
      headers: { 'D360-API-KEY': 'd360-key', 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.url}/moved`, headers: { 'X-Switchboard-Token': 'static-2' } }),
    })
    assert.equal(configured.status, 200)
    await sim.inject('3601', { from: CUSTOMER, type: 'text', text: 'again' })
    assert.equal(receiver.deliveries[1].url, '/moved')
    assert.equal(receiver.deliveries[1].headers['x-switchboard-token'], 'static-2')
  }).timeout(10000)

  test('media and templates answer on 360dialog paths with the key', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(dialogNumber(receiver))
    const headers = { 'D360-API-KEY': 'd360-key' }

    const form = new FormData()
    form.append('messaging_product', 'whatsapp')
    form.append('type', 'application/pdf')
    form.append('file', new Blob([Buffer.from('%PDF-1.4 test')], { type: 'application/pdf' }), 'a.pdf')
    const { id } = (await (await fetch(`${sim.url}/media`, { method: 'POST', headers, body: form })).json()) as any
    const info = (await (await fetch(`${sim.url}/${id}`, { headers })).json()) as any
    assert.equal(info.mime_type, 'application/pdf')
    assert.equal((await fetch(info.url)).status, 401)
    const download = await fetch(info.url, { headers })
    assert.equal(await download.text(), '%PDF-1.4 test')

    const templates = (await (await fetch(`${sim.url}/v1/configs/templates`, { headers })).json()) as any
    assert.isAbove(templates.count, 3)
    assert.include(templates.waba_templates.find((template: any) => template.name === 'hello_world'), { status: 'approved', language: 'en_US' })
  }).timeout(10000)
})
