import { test } from '@japa/runner'
import { CUSTOMER, cloudNumber, eventually, graphSend, metaStatuses, rig } from '../helpers.js'

const button = (i: number, title = `Option ${i}`) => ({ type: 'reply', reply: { id: `b${i}`, title } })
const rows = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }))

test.group('Cloud API sends', () => {
  test('a text inside the window answers Meta success shape with a wamid', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver))
    await sim.inject('1001', { from: CUSTOMER, type: 'text', text: 'hi' })

    const { status, body } = await graphSend(sim, { to: `+${CUSTOMER}`, type: 'text', text: { body: 'Hello', preview_url: false } })

    assert.equal(status, 200)
    assert.deepEqual(body.contacts, [{ input: `+${CUSTOMER}`, wa_id: CUSTOMER }])
    assert.match(body.messages[0].id, /^wamid\.[A-Za-z0-9+/=]+$/)
    const [record] = sim.received('1001')
    assert.equal(record.id, body.messages[0].id)
    assert.equal(record.to, CUSTOMER)
    assert.equal(record.type, 'text')
  }).timeout(10000)

  test('validation answers Meta error shape with the right codes', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver, { windowEnforcement: 'off' }))
    const interactive = (content: Record<string, unknown>) => ({ type: 'interactive', interactive: content })
    const buttons = (...items: unknown[]) => interactive({ type: 'button', body: { text: 'Pick' }, action: { buttons: items } })
    const list = (...sections: unknown[]) => interactive({ type: 'list', body: { text: 'Menu' }, action: { button: 'See', sections } })
    const bodyParams = (...texts: string[]) => ({
      type: 'template',
      template: {
        name: 'spring_sale',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: texts.map((text) => ({ type: 'text', text })) }],
      },
    })
    const cases: [string, Record<string, unknown>, number][] = [
      ['4 buttons', buttons(...[1, 2, 3, 4].map((i) => button(i))), 131009],
      ['a 21-character button title', buttons(button(1, 'x'.repeat(21))), 131009],
      ['duplicate button ids', buttons(button(1, 'A'), button(1, 'B')), 131009],
      ['11 list rows', list({ title: 'A', rows: rows(6) }, { title: 'B', rows: rows(5).map((row) => ({ ...row, id: `${row.id}b` })) }), 131009],
      ['a list section without title among two', list({ rows: rows(1) }, { title: 'B', rows: [{ id: 'z', title: 'Z' }] }), 131008],
      ['a missing interactive body', interactive({ type: 'button', action: { buttons: [button(1)] } }), 131008],
      ['a missing text body', { type: 'text', text: {} }, 131008],
      ['a text over 4096 characters', { type: 'text', text: { body: 'a'.repeat(4097) } }, 131009],
      ['an unknown media id', { type: 'image', image: { id: '999999' } }, 131009],
      ['a caption on audio', { type: 'audio', audio: { link: 'https://example.com/a.ogg', caption: 'no' } }, 100],
      ['an unknown type', { type: 'poll', poll: {} }, 131051],
      ['a wrong messaging_product', { messaging_product: 'sms', type: 'text', text: { body: 'x' } }, 100],
      ['an unknown template', { type: 'template', template: { name: 'nope', language: { code: 'en_US' } } }, 132001],
      ['a template with too few body params', bodyParams('20%'), 132000],
    ]
    for (const [name, body, code] of cases) {
      const answer = await graphSend(sim, body)
      assert.equal(answer.status, 400, name)
      assert.equal(answer.body.error.code, code, `${name}: ${JSON.stringify(answer.body)}`)
      assert.equal(answer.body.error.type, 'OAuthException', name)
      assert.match(answer.body.error.message, new RegExp(`^\\(#${code}\\) `), name)
      assert.equal(answer.body.error.error_data.messaging_product, 'whatsapp', name)
      assert.isString(answer.body.error.error_data.details, name)
      assert.isString(answer.body.error.fbtrace_id, name)
    }
    assert.lengthOf(sim.received(), 0)
    assert.equal(sim.stats().sends.rejected, cases.length)
  }).timeout(10000)

  test('a bad token is 401 with code 190; an unknown phone number id is 100', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver))

    const wrong = await graphSend(sim, { type: 'text', text: { body: 'x' } }, { token: 'stolen' })
    assert.equal(wrong.status, 401)
    assert.equal(wrong.body.error.code, 190)

    const unknown = await graphSend(sim, { type: 'text', text: { body: 'x' } }, { phoneNumberId: '424242' })
    assert.equal(unknown.status, 400)
    assert.equal(unknown.body.error.code, 100)
    assert.equal(unknown.body.error.error_subcode, 33)
  }).timeout(10000)

  test('templates: positional with an image header, named parameters, buttons', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver))
    const orderUpdate = {
      name: 'order_update',
      language: { code: 'en_US', policy: 'deterministic' },
      components: [
        { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/p.jpg' } }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '#1042' }] },
        { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'CONFIRM_1042' }] },
        { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: '1042' }] },
      ],
    }
    const sent = await graphSend(sim, { type: 'template', template: orderUpdate })
    assert.equal(sent.status, 200, JSON.stringify(sent.body))
    assert.equal(sent.body.messages[0].message_status, 'accepted')

    const withoutUrl = await graphSend(sim, { type: 'template', template: { ...orderUpdate, components: orderUpdate.components.slice(0, 3) } })
    assert.equal(withoutUrl.body.error.code, 132000)

    const textHeader = await graphSend(sim, {
      type: 'template',
      template: { ...orderUpdate, components: [{ type: 'header', parameters: [{ type: 'text', text: 'x' }] }, ...orderUpdate.components.slice(1)] },
    })
    assert.equal(textHeader.body.error.code, 132012)

    const named = await graphSend(sim, {
      type: 'template',
      template: {
        name: 'appointment_reminder',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', parameter_name: 'customer_name', text: 'Ana' },
              { type: 'text', parameter_name: 'date', text: '12 May' },
            ],
          },
        ],
      },
    })
    assert.equal(named.status, 200, JSON.stringify(named.body))

    const wrongLanguage = await graphSend(sim, { type: 'template', template: { name: 'hello_world', language: { code: 'pt_BR' } } })
    assert.equal(wrongLanguage.body.error.code, 132001)
  }).timeout(10000)

  test('throughput: at 5 per second, the 6th send within the second is 400 / 130429', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver, { throughputPerSecond: 5, windowEnforcement: 'off' }))

    const answers = []
    for (let i = 0; i < 6; i++) answers.push(await graphSend(sim, { type: 'text', text: { body: `n${i}` } }))

    assert.deepEqual(answers.slice(0, 5).map((answer) => answer.status), [200, 200, 200, 200, 200])
    assert.equal(answers[5].status, 400)
    assert.equal(answers[5].body.error.code, 130429)
    await new Promise((resolve) => setTimeout(resolve, 1050))
    assert.equal((await graphSend(sim, { type: 'text', text: { body: 'later' } })).status, 200, 'the window slides')
  }).timeout(10000)

  test('pair rate limit: a burst, then 131056', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver, { pairRateLimit: true, windowEnforcement: 'off' }))
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await graphSend(sim, { type: 'text', text: { body: `n${i}` } })).body.error?.code ?? 200)
    assert.deepEqual(statuses, [200, 200, 200, 131056])
  }).timeout(10000)

  test('24-hour window, sync: free-form outside it is 131047, templates pass, an inbound reopens it', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver))

    const never = await graphSend(sim, { type: 'text', text: { body: 'hi' } })
    assert.equal(never.status, 400)
    assert.equal(never.body.error.code, 131047)
    assert.include(never.body.error.error_data.details, '24 hours')

    await sim.inject('1001', { from: CUSTOMER, type: 'text', text: 'old', timestamp: Math.floor(Date.now() / 1000) - 25 * 3600 })
    assert.equal((await graphSend(sim, { type: 'text', text: { body: 'hi' } })).body.error.code, 131047, '25 h ago is outside')

    const template = await graphSend(sim, { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } })
    assert.equal(template.status, 200)

    await sim.inject('1001', { from: CUSTOMER, type: 'text', text: 'now' })
    assert.equal((await graphSend(sim, { type: 'text', text: { body: 'hi' } })).status, 200)
  }).timeout(10000)

  test('24-hour window, status: accepted, then a failed status with 131047', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver, { windowEnforcement: 'status' }))

    const sent = await graphSend(sim, { type: 'text', text: { body: 'hi' } })
    assert.equal(sent.status, 200)
    const wamid = sent.body.messages[0].id

    const [failed] = await eventually(() => {
      const found = metaStatuses(receiver.deliveries).filter((status) => status.id === wamid)
      return found.length ? found : undefined
    })
    await sim.settle()
    assert.lengthOf(metaStatuses(receiver.deliveries), 1, 'no sent / delivered / read after a failure')
    assert.equal(failed.status, 'failed')
    assert.equal(failed.recipient_id, CUSTOMER)
    assert.deepEqual(failed.errors, [
      {
        code: 131047,
        title: 'Re-engagement message',
        message: 'Re-engagement message',
        error_data: {
          details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
        },
      },
    ])
    assert.equal(sim.received('1001')[0].status, 'failed')
  }).timeout(10000)

  test('faults: the next sends answer the queued responses in order, then normally', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver, { windowEnforcement: 'off' }))
    sim.fault('1001', [{ status: 500 }, { status: 503, body: { error: { message: 'custom', code: 2 } } }])

    const first = await graphSend(sim, { type: 'text', text: { body: 'x' } })
    const second = await graphSend(sim, { type: 'text', text: { body: 'x' } })
    const third = await graphSend(sim, { type: 'text', text: { body: 'x' } })

    assert.equal(first.status, 500)
    assert.equal(first.body.error.code, 131000)
    assert.equal(second.status, 503)
    assert.deepEqual(second.body, { error: { message: 'custom', code: 2 } })
    assert.equal(third.status, 200)
    assert.lengthOf(sim.received('1001'), 1, 'only the accepted send is recorded')
  }).timeout(10000)

  test('mark read (with typing) answers success for a received message, 100 for an unknown one', async ({ assert, cleanup }) => {
    const { sim, receiver } = await rig(cleanup)
    sim.addNumber(cloudNumber(receiver))
    const id = await sim.inject('1001', { from: CUSTOMER, type: 'text', text: 'hi' })

    const read = await graphSend(sim, { to: undefined, status: 'read', message_id: id, typing_indicator: { type: 'text' } })
    assert.equal(read.status, 200)
    assert.deepEqual(read.body, { success: true })
    assert.isTrue(sim.injected('1001')[0].read)
    assert.equal(sim.received('1001')[0].kind, 'read')

    const unknown = await graphSend(sim, { to: undefined, status: 'read', message_id: 'wamid.nope' })
    assert.equal(unknown.body.error.code, 100)
  }).timeout(10000)
})
