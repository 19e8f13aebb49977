import { test } from '@japa/runner'
import { parseMetaWebhook } from '#whatsapp-cloud/services/webhook'
import { graphError } from '#whatsapp-cloud/services/graph_errors'

const envelope = (value: Record<string, unknown>) => ({ object: 'whatsapp_business_account', entry: [{ id: 'WABA', changes: [{ field: 'messages', value }] }] })
const inbound = (message: Record<string, unknown>) =>
  parseMetaWebhook(envelope({ contacts: [{ profile: { name: 'Ana' }, wa_id: '16315551181' }], messages: [{ from: '16315551181', id: 'wamid.1', timestamp: '1700000000', ...message }] }))[0] as any

test.group('whatsapp-cloud: Meta webhook envelope', () => {
  test('every inbound type of the contracts sheet keeps its Cloud API content', ({ assert }) => {
    const cases: [Record<string, unknown>, string, unknown][] = [
      [{ type: 'text', text: { body: 'Hi' } }, 'text', { body: 'Hi' }],
      [{ type: 'image', image: { mime_type: 'image/jpeg', sha256: 'x', id: 'M1', caption: 'c' } }, 'image', { mime_type: 'image/jpeg', sha256: 'x', id: 'M1', caption: 'c' }],
      [{ type: 'document', document: { id: 'M2', filename: 'a.pdf', mime_type: 'application/pdf' } }, 'document', { id: 'M2', filename: 'a.pdf', mime_type: 'application/pdf' }],
      [{ type: 'audio', audio: { id: 'M3', voice: true } }, 'audio', { id: 'M3', voice: true }],
      [{ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } } }, 'interactive', { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } }],
      [{ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Row', description: 'd' } } }, 'interactive', { type: 'list_reply', list_reply: { id: 'r1', title: 'Row', description: 'd' } }],
      [{ type: 'button', button: { payload: 'CONFIRM', text: 'Confirm' } }, 'button', { payload: 'CONFIRM', text: 'Confirm' }],
      [{ type: 'location', location: { latitude: 55.75, longitude: 37.61, name: 'Kremlin' } }, 'location', { latitude: 55.75, longitude: 37.61, name: 'Kremlin' }],
      [{ type: 'contacts', contacts: [{ name: { formatted_name: 'Bob' }, phones: [{ phone: '+1', wa_id: '1' }] }] }, 'contacts', [{ name: { formatted_name: 'Bob' }, phones: [{ phone: '+1', wa_id: '1' }] }]],
      [{ type: 'reaction', reaction: { message_id: 'wamid.0', emoji: '👍' } }, 'reaction', { message_id: 'wamid.0', emoji: '👍' }],
      [{ type: 'sticker', sticker: { id: 'M4', animated: false } }, 'sticker', { id: 'M4', animated: false }],
    ]
    for (const [message, type, content] of cases) {
      const event = inbound(message)
      assert.equal(event.type, type)
      assert.deepEqual(event.content, content)
      assert.equal(event.profileName, 'Ana')
      assert.equal(event.timestamp.toISOString(), '2023-11-14T22:13:20.000Z')
    }
  })

  test('unsupported and unknown types become system notes; replies keep their context', ({ assert }) => {
    const unsupported = inbound({ type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] })
    assert.equal(unsupported.type, 'system')
    assert.equal(unsupported.content.kind, 'unsupported')
    assert.equal(unsupported.content.errors[0].code, 131051)
    const reply = inbound({ type: 'text', text: { body: 'yes' }, context: { from: '1555', id: 'wamid.orig' } })
    assert.equal(reply.replyToProviderId, 'wamid.orig')
  })

  test("a click-to-WhatsApp ad's referral rides along in the content (bots trigger on it)", ({ assert }) => {
    const referral = { source_url: 'https://fb.me/ad', source_id: 'AD-7', source_type: 'ad', headline: 'Spring sale', ctwa_clid: 'clid' }
    const event = inbound({ type: 'text', text: { body: 'Tell me more' }, referral })
    assert.deepEqual(event.content, { body: 'Tell me more', referral })
  })

  test('batches: entries × changes × messages and statuses, newer contacts with user_id', ({ assert }) => {
    const body = {
      entry: [
        { changes: [{ value: { messages: [{ from: '1', id: 'a', type: 'text', text: { body: '1' } }, { from: '2', id: 'b', type: 'text', text: { body: '2' } }] } }] },
        { changes: [{ value: { statuses: [{ id: 'c', status: 'delivered', timestamp: '1' }, { id: 'd', status: 'played', timestamp: '2' }] } }, { value: { contacts: [{ user_id: '3', profile: { name: 'Zoe' } }], messages: [{ from: '3', id: 'e', type: 'text', text: { body: '3' } }] } }] },
      ],
    }
    const events = parseMetaWebhook(body) as any[]
    assert.deepEqual(events.map((e) => e.providerMessageId), ['a', 'b', 'c', 'd', 'e'])
    assert.equal(events[3].status, 'read')
    assert.equal(events[4].profileName, 'Zoe')
  })

  test('a failed status carries Meta’s code and our reason; unknown codes keep Meta’s details', ({ assert }) => {
    const [known, unknown] = parseMetaWebhook(
      envelope({
        statuses: [
          { id: 'x', status: 'failed', timestamp: '1', errors: [{ code: 131026, title: 'Message undeliverable' }] },
          { id: 'y', status: 'failed', timestamp: '1', errors: [{ code: 999999, title: 'New', error_data: { details: 'Something new' } }] },
        ],
      })
    ) as any[]
    assert.equal(known.errorCode, '131026')
    assert.equal(known.errorReason, 'The message could not be delivered to this number')
    assert.equal(unknown.errorReason, 'Something new')
  })

  test('malformed shapes are skipped, never thrown', ({ assert }) => {
    for (const body of [null, 1, 'x', [], { entry: 'x' }, { entry: [null, { changes: [null, { value: 5 }] }] }, { entry: [{ changes: [{ value: { messages: [{ id: {} }], statuses: [{}] } }] }] }]) {
      assert.deepEqual(parseMetaWebhook(body), [])
    }
  })
})

test.group('whatsapp-cloud: Graph API errors', () => {
  test('Meta codes map to reasons, retryable or not', ({ assert }) => {
    const table: [number, number, string, boolean][] = [
      [401, 190, 'auth', false],
      [400, 131047, 'window_closed', false],
      [400, 130429, 'throttled', true],
      [400, 131056, 'pair_rate', true],
      [400, 131026, 'undeliverable', false],
      [400, 132000, 'template', false],
      [400, 132015, 'template_paused', false],
      [500, 131000, 'provider', true],
      [403, 200, 'permission', false],
      [400, 100, 'invalid', false],
    ]
    for (const [status, code, reason, retryable] of table) {
      const error = graphError(status, { error: { code, message: `(#${code})`, error_data: { details: 'd' } } })
      assert.equal(error.reason, reason, `code ${code}`)
      assert.equal(error.retryable, retryable, `code ${code}`)
      assert.equal(error.code, String(code))
    }
  })

  test('without Meta’s body: 360dialog’s meta shape and bare HTTP statuses; Retry-After is kept', ({ assert }) => {
    const dialog = graphError(401, { meta: { success: false, http_code: 401, developer_message: 'Invalid api key' } })
    assert.equal(dialog.reason, 'auth')
    assert.include(dialog.message, 'Invalid api key')
    assert.equal(graphError(503, null).reason, 'throttled')
    assert.equal(graphError(502, null).reason, 'provider')
    assert.equal(graphError(429, null, 7).retryAfter, 7)
  })
})
