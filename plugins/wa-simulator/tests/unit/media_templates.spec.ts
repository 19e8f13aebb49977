import { createHash } from 'node:crypto'
import { test } from '@japa/runner'
import { CUSTOMER, cloudNumber, graphSend, rig } from '../helpers.js'

function upload(url: string, file: { bytes: Buffer; type: string; name: string }, fields: Record<string, string> = { messaging_product: 'whatsapp' }, token = 'token-1001') {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  form.append('type', file.type)
  form.append('file', new Blob([file.bytes], { type: file.type }), file.name)
  return fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
}

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')

test.group('Cloud API media', () => {
  test('upload → retrieve → download (with the token only), then send by id', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver, { windowEnforcement: 'off' }))

    const uploaded = await upload(`${sim.url}/v21.0/1001/media`, { bytes: PNG, type: 'image/png', name: 'dot.png' })
    assert.equal(uploaded.status, 200)
    const { id } = (await uploaded.json()) as { id: string }
    assert.match(id, /^\d+$/)

    const info = await fetch(`${sim.url}/v21.0/${id}`, { headers: { authorization: 'Bearer token-1001' } })
    const media = (await info.json()) as Record<string, any>
    assert.equal(info.status, 200)
    assert.deepInclude(media, {
      messaging_product: 'whatsapp',
      mime_type: 'image/png',
      sha256: createHash('sha256').update(PNG).digest('hex'),
      file_size: PNG.length,
      id,
    })
    assert.isTrue(media.url.startsWith(`${sim.url}/whatsapp_business/attachments/?mid=${id}`))

    const anonymous = await fetch(media.url)
    assert.equal(anonymous.status, 401)
    const download = await fetch(media.url, { headers: { authorization: 'Bearer token-1001' } })
    assert.equal(download.status, 200)
    assert.equal(download.headers.get('content-type'), 'image/png')
    assert.isTrue(Buffer.from(await download.arrayBuffer()).equals(PNG))
    const tampered = await fetch(media.url.replace(/hash=[^&]+/, 'hash=forged'), { headers: { authorization: 'Bearer token-1001' } })
    assert.equal(tampered.status, 404)

    const sent = await graphSend(sim, { type: 'image', image: { id, caption: 'dot' } })
    assert.equal(sent.status, 200)

    const removed = await fetch(`${sim.url}/v21.0/${id}`, { method: 'DELETE', headers: { authorization: 'Bearer token-1001' } })
    assert.deepEqual(await removed.json(), { success: true })
    assert.equal((await graphSend(sim, { type: 'image', image: { id } })).body.error.code, 131009)
  }).timeout(10000)

  test('uploads are held to the types and sizes Meta allows', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver))
    const url = `${sim.url}/v21.0/1001/media`

    const gif = await upload(url, { bytes: Buffer.from('GIF89a'), type: 'image/gif', name: 'a.gif' })
    assert.equal(gif.status, 400)
    assert.equal(((await gif.json()) as any).error.code, 131053)

    const bigSticker = await upload(url, { bytes: Buffer.alloc(600 * 1024, 1), type: 'image/webp', name: 's.webp' })
    assert.equal(((await bigSticker.json()) as any).error.code, 131053)

    const noProduct = await upload(url, { bytes: PNG, type: 'image/png', name: 'a.png' }, {})
    assert.equal(((await noProduct.json()) as any).error.code, 131008)

    const wrongToken = await upload(url, { bytes: PNG, type: 'image/png', name: 'a.png' }, undefined, 'nope')
    assert.equal(wrongToken.status, 401)
  }).timeout(10000)

  test('inbound media can be retrieved and downloaded by the business', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver))
    await sim.inject('1001', { from: CUSTOMER, type: 'image' })
    const image = receiver.deliveries[0].body.entry[0].changes[0].value.messages[0].image

    const info = (await (await fetch(`${sim.url}/v21.0/${image.id}`, { headers: { authorization: 'Bearer token-1001' } })).json()) as any
    const bytes = Buffer.from(await (await fetch(info.url, { headers: { authorization: 'Bearer token-1001' } })).arrayBuffer())

    assert.equal(bytes.subarray(1, 4).toString(), 'PNG')
    assert.equal(createHash('sha256').update(bytes).digest('base64'), image.sha256)
    assert.equal(info.sha256, createHash('sha256').update(bytes).digest('hex'))
  }).timeout(10000)
})

test.group('Cloud API templates', () => {
  test('the WABA lists its seeded templates, with cursor paging', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver))

    const all = (await (await fetch(`${sim.url}/v21.0/2001/message_templates`, { headers: { authorization: 'Bearer token-1001' } })).json()) as any
    const names = all.data.map((template: any) => template.name)
    assert.includeMembers(names, ['hello_world', 'order_update', 'appointment_reminder', 'spring_sale', 'verification_code'])
    const orderUpdate = all.data.find((template: any) => template.name === 'order_update')
    assert.include(orderUpdate, { language: 'en_US', status: 'APPROVED', category: 'UTILITY', parameter_format: 'POSITIONAL' })
    assert.match(orderUpdate.id, /^\d+$/)
    assert.equal(orderUpdate.components[0].format, 'IMAGE')
    assert.deepEqual(orderUpdate.components[3].buttons.map((button: any) => button.type), ['QUICK_REPLY', 'URL'])
    assert.equal(all.data.find((template: any) => template.name === 'appointment_reminder').parameter_format, 'NAMED')
    assert.equal(all.data.find((template: any) => template.name === 'spring_sale').category, 'MARKETING')

    const first = (await (await fetch(`${sim.url}/v21.0/2001/message_templates?limit=2`, { headers: { authorization: 'Bearer token-1001' } })).json()) as any
    assert.lengthOf(first.data, 2)
    const second = (await (await fetch(first.paging.next, { headers: { authorization: 'Bearer token-1001' } })).json()) as any
    assert.deepEqual(second.data.map((template: any) => template.name), names.slice(2, 4))

    const denied = await fetch(`${sim.url}/v21.0/2001/message_templates`, { headers: { authorization: 'Bearer nope' } })
    assert.equal(denied.status, 401)
  }).timeout(10000)

  test('a number may bring its own templates; a paused one answers 132015', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber({
      ...cloudNumber(receiver),
      templates: [
        { name: 'welcome', language: 'pt_BR', category: 'UTILITY', components: [{ type: 'BODY', text: 'Olá {{1}}!' }] },
        { name: 'promo', language: 'pt_BR', category: 'MARKETING', status: 'PAUSED', components: [{ type: 'BODY', text: 'Promo' }] },
      ],
    })
    const template = (name: string, parameters: unknown[] = []) => ({
      type: 'template',
      template: { name, language: { code: 'pt_BR' }, components: parameters.length ? [{ type: 'body', parameters }] : [] },
    })

    assert.equal((await graphSend(sim, template('welcome', [{ type: 'text', text: 'Ana' }]))).status, 200)
    assert.equal((await graphSend(sim, template('promo'))).body.error.code, 132015)
    assert.equal((await graphSend(sim, { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } })).body.error.code, 132001)
  }).timeout(10000)
})
