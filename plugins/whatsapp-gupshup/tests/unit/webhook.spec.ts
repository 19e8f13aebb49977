import { test } from '@japa/runner'
import { FAILURE_REASONS, type InboundMessageEvent, type StatusEvent } from '#messaging/services/channel_provider'
import { parseGupshupWebhook } from '#whatsapp-gupshup/services/webhook'

const SENDER = { phone: '+91 98765 43210', name: 'Asha', country_code: '91', dial_code: '9876543210' }

/** A v2 inbound message callback of `type` with Gupshup's inner `payload`. */
const inbound = (type: string, payload: unknown, extra: Record<string, unknown> = {}) => ({
  app: 'DemoApp',
  timestamp: 1718007189549,
  version: 2,
  type: 'message',
  payload: { id: 'ABEGkZUTIXZ0Ago6jWqOZm', source: '919876543210', type, payload, sender: SENDER, ...extra },
})

const event = (payload: Record<string, unknown>, timestamp: unknown = 1580546677791) => ({
  app: 'DemoApp',
  timestamp,
  version: 2,
  type: 'message-event',
  payload: { destination: '919876543210', ...payload },
})

function only<T>(events: unknown[]) {
  if (events.length !== 1) throw new Error(`expected one event, got ${events.length}`)
  return events[0] as T
}

/** What the kernel stores: the event's content as JSON (undefined fields vanish). */
const stored = (message: InboundMessageEvent) => JSON.parse(JSON.stringify(message.content))

test.group('Gupshup webhook: inbound messages (v2)', () => {
  test('text: ids, sender digits, profile name, millisecond timestamp', ({ assert }) => {
    const message = only<InboundMessageEvent>(parseGupshupWebhook(inbound('text', { text: 'Hi' })))
    assert.equal(message.kind, 'message')
    assert.equal(message.providerMessageId, 'ABEGkZUTIXZ0Ago6jWqOZm')
    assert.equal(message.from, '919876543210')
    assert.equal(message.profileName, 'Asha')
    assert.equal(message.timestamp.toISOString(), new Date(1718007189549).toISOString())
    assert.equal(message.type, 'text')
    assert.deepEqual(message.content, { body: 'Hi' })
    assert.isNull(message.replyToProviderId)
  })

  test('a timestamp in seconds is read as seconds', ({ assert }) => {
    const body = { ...inbound('text', { text: 'Hi' }), timestamp: '1718007189' }
    assert.equal(only<InboundMessageEvent>(parseGupshupWebhook(body)).timestamp.toISOString(), '2024-06-10T08:13:09.000Z')
  })

  test('a reply names our message by gsId (what the send answered), else by the WhatsApp id', ({ assert }) => {
    const both = inbound('text', { text: 'ok' }, { context: { id: 'gBEGkYaYVSEEAgnPFrOLcjkFjL8', gsId: '9b71295f-f7af-4c1f-b2b4-31b4a4867bad' } })
    assert.equal(only<InboundMessageEvent>(parseGupshupWebhook(both)).replyToProviderId, '9b71295f-f7af-4c1f-b2b4-31b4a4867bad')
    const idOnly = inbound('text', { text: 'ok' }, { context: { id: 'gBEGkYaYVSEEAgnPFrOLcjkFjL8' } })
    assert.equal(only<InboundMessageEvent>(parseGupshupWebhook(idOnly)).replyToProviderId, 'gBEGkYaYVSEEAgnPFrOLcjkFjL8')
  })

  test('media become Meta shapes with link and mime_type; file is a document with its filename', ({ assert }) => {
    const url = 'https://filemanager.gupshup.io/wa/app/wa/media/2f99?download=false'
    const image = only<InboundMessageEvent>(parseGupshupWebhook(inbound('image', { caption: 'Receipt', url, contentType: 'image/jpeg', urlExpiry: 1718608420228 })))
    assert.equal(image.type, 'image')
    assert.deepEqual(stored(image), { link: url, mime_type: 'image/jpeg', caption: 'Receipt' })

    for (const type of ['video', 'audio', 'sticker'] as const) {
      const media = only<InboundMessageEvent>(parseGupshupWebhook(inbound(type, { url, contentType: `${type}/x` })))
      assert.equal(media.type, type)
      assert.deepEqual(stored(media), { link: url, mime_type: `${type}/x` })
    }

    const file = only<InboundMessageEvent>(parseGupshupWebhook(inbound('file', { url, name: 'invoice.pdf', 'content-type': 'application/pdf' })))
    assert.equal(file.type, 'document')
    assert.deepEqual(stored(file), { link: url, mime_type: 'application/pdf', filename: 'invoice.pdf' })
  })

  test('location: coordinates as numbers', ({ assert }) => {
    const location = only<InboundMessageEvent>(parseGupshupWebhook(inbound('location', { longitude: '72.8552172', latitude: '19.1453658', name: 'Office' })))
    assert.equal(location.type, 'location')
    assert.deepEqual(stored(location), { latitude: 19.1453658, longitude: 72.8552172, name: 'Office' })
  })

  test('contact cards: the array of Meta cards, keys in snake_case', ({ assert }) => {
    const card = {
      addresses: [{ city: 'Menlo Park', countryCode: 'us', type: 'HOME' }],
      name: { firstName: 'John', formattedName: 'John Smith', lastName: 'Smith' },
      phones: [{ phone: '+1 (650) 555-1234', type: 'WORK', wa_id: '16505551234' }],
    }
    const contacts = only<InboundMessageEvent>(parseGupshupWebhook(inbound('contact', { contacts: [card] })))
    assert.equal(contacts.type, 'contacts')
    assert.deepEqual(stored(contacts), [
      {
        addresses: [{ city: 'Menlo Park', country_code: 'us', type: 'HOME' }],
        name: { first_name: 'John', formatted_name: 'John Smith', last_name: 'Smith' },
        phones: [{ phone: '+1 (650) 555-1234', type: 'WORK', wa_id: '16505551234' }],
      },
    ])
  })

  test('list reply: interactive list_reply, id = postbackText (our row id), else Gupshup id', ({ assert }) => {
    const row = { title: 'Blue', id: 'list1', reply: 'Blue 1', postbackText: 'colour-blue', description: 'The blue one' }
    const reply = only<InboundMessageEvent>(parseGupshupWebhook(inbound('list_reply', row)))
    assert.equal(reply.type, 'interactive')
    assert.deepEqual(reply.content, { type: 'list_reply', list_reply: { id: 'colour-blue', title: 'Blue', description: 'The blue one' } })
    const withoutPostback = only<InboundMessageEvent>(parseGupshupWebhook(inbound('list_reply', { title: 'Blue', id: 'list1' })))
    assert.equal((withoutPostback.content.list_reply as { id: string }).id, 'list1')
  })

  test('button reply: interactive button_reply, outer type button_reply or quick_reply', ({ assert }) => {
    for (const type of ['button_reply', 'quick_reply']) {
      const reply = only<InboundMessageEvent>(parseGupshupWebhook(inbound(type, { title: 'Yes', id: 'qr1', reply: 'Yes 1', postbackText: 'confirm' })))
      assert.equal(reply.type, 'interactive', type)
      assert.deepEqual(reply.content, { type: 'button_reply', button_reply: { id: 'confirm', title: 'Yes' } })
    }
    const withoutPostback = only<InboundMessageEvent>(parseGupshupWebhook(inbound('button_reply', { title: 'Yes', id: 'qr1' })))
    assert.deepEqual(withoutPostback.content, { type: 'button_reply', button_reply: { id: 'qr1', title: 'Yes' } })
  })

  test('a reply named in the inner payload is read the same', ({ assert }) => {
    const reply = only<InboundMessageEvent>(parseGupshupWebhook(inbound('interactive', { type: 'button_reply', title: 'Yes', postbackText: 'confirm' })))
    assert.deepEqual(reply.content, { type: 'button_reply', button_reply: { id: 'confirm', title: 'Yes' } })
  })

  test("a template's quick-reply button is Meta's `button` message {payload, text}", ({ assert }) => {
    const tapped = only<InboundMessageEvent>(parseGupshupWebhook(inbound('quick_reply', { text: 'View balance', type: 'button', postbackText: 'BALANCE' })))
    assert.equal(tapped.type, 'button')
    assert.deepEqual(tapped.content, { payload: 'BALANCE', text: 'View balance' })
    const withoutPostback = only<InboundMessageEvent>(parseGupshupWebhook(inbound('quick_reply', { text: 'View balance', type: 'button' })))
    assert.deepEqual(withoutPostback.content, { payload: 'View balance', text: 'View balance' })
  })

  test('anything else is a system note naming its type', ({ assert }) => {
    const note = only<InboundMessageEvent>(parseGupshupWebhook(inbound('order', { catalog_id: 'c1' })))
    assert.equal(note.type, 'system')
    assert.deepEqual(note.content, { kind: 'order', catalog_id: 'c1' })
  })
})

test.group('Gupshup webhook: message-events and user-events (v2)', () => {
  test('delivery reports correlate on gsId; ts in payload.payload.ts (seconds)', ({ assert }) => {
    const sent = only<StatusEvent>(
      parseGupshupWebhook(event({ id: 'gBEGkYaYVSEEAgnZxQ3JmKK6Wvg', gsId: 'ee4a68a0-1203-4c85-8dc3-49d0b3226a35', type: 'sent', payload: { ts: 1585344475 } }))
    )
    assert.deepEqual(sent, {
      kind: 'status',
      providerMessageId: 'ee4a68a0-1203-4c85-8dc3-49d0b3226a35',
      status: 'sent',
      timestamp: new Date(1585344475 * 1000),
      errorCode: null,
      errorReason: null,
    })
  })

  test('without gsId the id is ours; ts may sit at payload.ts, in milliseconds', ({ assert }) => {
    const delivered = only<StatusEvent>(parseGupshupWebhook(event({ id: '59f8db90-c37e-4408-90ab-cc54ef8246ad', type: 'delivered', ts: 1585344475123 })))
    assert.equal(delivered.providerMessageId, '59f8db90-c37e-4408-90ab-cc54ef8246ad')
    assert.equal(delivered.status, 'delivered')
    assert.equal(delivered.timestamp.getTime(), 1585344475123)

    const read = only<StatusEvent>(parseGupshupWebhook(event({ id: 'x-1', type: 'read' }, 1580546677791)))
    assert.equal(read.timestamp.getTime(), 1580546677791, 'no ts: the callback time')
  })

  test('enqueued and deleted are ignored', ({ assert }) => {
    assert.deepEqual(parseGupshupWebhook(event({ id: 'g-1', type: 'enqueued', payload: { whatsappMessageId: 'w', type: 'session' } })), [])
    assert.deepEqual(parseGupshupWebhook(event({ id: 'g-1', type: 'deleted' })), [])
  })

  test('failed: code and a human reason, ours for codes we know', ({ assert }) => {
    const closed = only<StatusEvent>(parseGupshupWebhook(event({ id: 'g-1', type: 'failed', payload: { code: 131047, reason: 'Re-engagement message' } })))
    assert.equal(closed.status, 'failed')
    assert.equal(closed.errorCode, '131047')
    assert.equal(closed.errorReason, FAILURE_REASONS.window_closed.text)

    const onPremises = only<StatusEvent>(
      parseGupshupWebhook(event({ id: 'g-2', type: 'failed', payload: { code: 470, reason: 'Message failed to send because more than 24 hours have passed' } }))
    )
    assert.equal(onPremises.errorReason, FAILURE_REASONS.window_closed.text)

    const own = only<StatusEvent>(parseGupshupWebhook(event({ id: 'g-3', type: 'failed', payload: { code: 1002, reason: 'Number Does Not Exists On WhatsApp' } })))
    assert.equal(own.errorCode, '1002')
    assert.equal(own.errorReason, 'Number Does Not Exists On WhatsApp')
    assert.equal(own.timestamp.getTime(), 1580546677791)
  })

  test('user-events: opted-in and opted-out; sandbox-start says nothing', ({ assert }) => {
    const userEvent = (type: string) => ({ app: 'DemoApp', timestamp: 1580546677791, version: 2, type: 'user-event', payload: { phone: '919876543210', type } })
    assert.deepEqual(parseGupshupWebhook(userEvent('opted-in')), [{ kind: 'opt', from: '919876543210', optedIn: true, timestamp: new Date(1580546677791) }])
    assert.deepEqual(parseGupshupWebhook(userEvent('opted-out')), [{ kind: 'opt', from: '919876543210', optedIn: false, timestamp: new Date(1580546677791) }])
    assert.deepEqual(parseGupshupWebhook(userEvent('sandbox-start')), [])
  })
})

test.group('Gupshup webhook: v3 (Meta envelope)', () => {
  const v3 = (value: Record<string, unknown>) => ({
    object: 'whatsapp_business_account',
    gs_app_id: '82ed52f4-30c0-4f12-81b4-e7ad07bd41de',
    entry: [{ id: '112535025189792', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', ...value } }] }],
  })

  test('statuses take gs_id (the send answer) as their id; enqueued is ignored', ({ assert }) => {
    const events = parseGupshupWebhook(
      v3({
        statuses: [
          { gs_id: '2baff204-c39a-4121-90b5-f53f26d522b3', id: 'wamid.A', recipient_id: '919876543210', status: 'enqueued', timestamp: 1710941393420 },
          { gs_id: '7daeb742-f2dc-4c09-90e0-d879d20f7b98', id: 'wamid.B', recipient_id: '919876543210', status: 'sent', timestamp: '1710930461' },
          { id: 'wamid.C', recipient_id: '919876543210', status: 'read', timestamp: '1710930462' },
          {
            gs_id: 'f-1',
            id: 'wamid.D',
            status: 'failed',
            timestamp: '1710930463',
            errors: [{ code: 131047, title: 'Re-engagement message' }],
          },
        ],
      })
    ) as StatusEvent[]
    assert.deepEqual(
      events.map((status) => [status.providerMessageId, status.status]),
      [
        ['7daeb742-f2dc-4c09-90e0-d879d20f7b98', 'sent'],
        ['wamid.C', 'read'],
        ['f-1', 'failed'],
      ]
    )
    assert.equal(events[0].timestamp.toISOString(), new Date(1710930461000).toISOString())
    assert.equal(events[2].errorReason, FAILURE_REASONS.window_closed.text)
  })

  test('inbound messages are Meta’s', ({ assert }) => {
    const events = parseGupshupWebhook(
      v3({
        contacts: [{ profile: { name: 'Asha' }, wa_id: '919876543210' }],
        messages: [{ from: '919876543210', id: 'wamid.IN', timestamp: '1710930461', type: 'text', text: { body: 'Hello' } }],
      })
    )
    const message = only<InboundMessageEvent>(events)
    assert.equal(message.providerMessageId, 'wamid.IN')
    assert.equal(message.profileName, 'Asha')
    assert.deepEqual(message.content, { body: 'Hello' })
  })
})

test.group('Gupshup webhook: malformed bodies', () => {
  test('never throw, and give what could be read', ({ assert }) => {
    const bodies: unknown[] = [
      null,
      undefined,
      'text',
      42,
      [],
      {},
      { type: 'message' },
      { type: 'message', payload: null },
      { type: 'message', payload: [] },
      { type: 'message', payload: { id: 'x', type: 'text' } },
      { type: 'message', payload: { type: 'text', sender: { phone: '1' } } },
      { type: 'message', payload: { id: 'x', sender: 'nobody', source: { phone: 1 }, type: 'text' } },
      { type: 'toString', payload: {} },
      { type: 'constructor', payload: { id: 'x' } },
      { type: 'message-event', payload: { type: 'sent' } },
      { type: 'message-event', payload: { id: 'x', type: 'bogus' } },
      { type: 'user-event', payload: { type: 'opted-in' } },
      { entry: 'x' },
      { entry: [null, 1, { changes: [null, { value: null }, { value: { statuses: [null, { id: 'w' }], messages: [null, {}] } }] }] },
    ]
    for (const body of bodies) assert.deepEqual(parseGupshupWebhook(body), [], JSON.stringify(body))
  })

  test('a message with an unreadable inner payload keeps its ids', ({ assert }) => {
    const message = only<InboundMessageEvent>(parseGupshupWebhook(inbound('image', 'not an object', { context: 'nope' })))
    assert.equal(message.type, 'image')
    assert.deepEqual(stored(message), {})
    assert.isNull(message.replyToProviderId)
  })

  test('an unreadable timestamp becomes the time of parsing', ({ assert }) => {
    const before = Date.now()
    const message = only<InboundMessageEvent>(parseGupshupWebhook({ ...inbound('text', { text: 'Hi' }), timestamp: 'soon' }))
    assert.isAtLeast(message.timestamp.getTime(), before)
  })
})
