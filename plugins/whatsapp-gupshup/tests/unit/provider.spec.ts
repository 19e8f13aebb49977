import { test } from '@japa/runner'
import type { Group } from '@japa/runner/core'
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Channel from '#messaging/models/channel'
import { ProviderError, type OutboundMessage } from '#messaging/services/channel_provider'
import { providers } from '#messaging/services/providers'
import { GupshupProvider, gupshupProvider } from '#whatsapp-gupshup/services/gupshup_provider'

interface Received {
  method: string
  path: string
  headers: IncomingHttpHeaders
  form: URLSearchParams
}

type Answer = (request: Received, response: ServerResponse) => void

/** Gupshup's send answer, with the text/html content type it really uses. */
const submitted: Answer = (_request, response) => {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
  response.end(JSON.stringify({ status: 'submitted', messageId: '183dc8f1-7ecc-4419-895f-04fd0b1bfe07' }))
}

/** A loopback stand-in for api.gupshup.io: records each request and answers with `answer`. */
class FakeGupshup {
  received: Received[] = []
  answer: Answer = submitted
  #server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      const received = { method: request.method!, path: request.url!, headers: request.headers, form: new URLSearchParams(body) }
      this.received.push(received)
      this.answer(received, response)
    })
  })
  url = ''

  async start() {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  async stop() {
    this.#server.closeAllConnections()
    await new Promise((resolve) => this.#server.close(resolve))
  }

  reset() {
    this.received = []
    this.answer = submitted
  }

  reply(status: number, body: string, headers: Record<string, string> = {}) {
    this.answer = (_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers })
      response.end(body)
    }
  }
}

function channelAt(apiBaseUrl: string, providerIds: Record<string, string> = {}) {
  const channel = new Channel()
  channel.merge({
    provider: 'whatsapp-gupshup',
    providerIds: { appName: 'DemoApp', source: '917834811114', ...providerIds },
    credentials: { apiKey: 'gs-key-1', webhookToken: 'url-secret' },
    apiBaseUrl,
  })
  return channel
}

const text: OutboundMessage = { to: '919876543210', type: 'text', content: { body: 'Hello' } }

async function failure(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    if (error instanceof ProviderError) return error
    throw error
  }
  throw new Error('expected a ProviderError')
}

/** A group's own fake Gupshup, started for the group and reset before each test. */
function fakeGupshupFor(group: Group) {
  const gupshup = new FakeGupshup()
  group.setup(async () => {
    await gupshup.start()
    return () => gupshup.stop()
  })
  group.each.setup(() => gupshup.reset())
  return gupshup
}

test.group('Gupshup provider: send', (group) => {
  const gupshup = fakeGupshupFor(group)

  test('a session message: form-encoded, apikey header; a text/html answer is read as JSON', async ({ assert }) => {
    const result = await gupshupProvider.send(channelAt(gupshup.url), text)
    assert.deepEqual(result, { providerMessageId: '183dc8f1-7ecc-4419-895f-04fd0b1bfe07' })
    const [request] = gupshup.received
    assert.equal(request.method, 'POST')
    assert.equal(request.path, '/wa/api/v1/msg')
    assert.equal(request.headers.apikey, 'gs-key-1')
    assert.match(String(request.headers['content-type']), /^application\/x-www-form-urlencoded/)
    assert.deepEqual(Object.fromEntries(request.form), {
      'channel': 'whatsapp',
      'source': '917834811114',
      'destination': '919876543210',
      'src.name': 'DemoApp',
      'message': JSON.stringify({ type: 'text', text: 'Hello' }),
    })
  })

  test('a base URL with a trailing slash', async ({ assert }) => {
    await gupshupProvider.send(channelAt(`${gupshup.url}/`), text)
    assert.equal(gupshup.received[0].path, '/wa/api/v1/msg')
  })

  test('a reply carries the quoted id inside the message', async ({ assert }) => {
    await gupshupProvider.send(channelAt(gupshup.url), { ...text, replyToProviderId: 'ABEGkZUTIXZ0' })
    assert.deepEqual(JSON.parse(gupshup.received[0].form.get('message')!), { type: 'text', text: 'Hello', context: { msgId: 'ABEGkZUTIXZ0' } })
  })

  test('a template goes to /template/msg with its Gupshup id, params and media header', async ({ assert }) => {
    await gupshupProvider.send(channelAt(gupshup.url), {
      to: '919876543210',
      type: 'template',
      content: {
        name: 'order_update',
        language: { code: 'en_US' },
        provider_template_id: 'c6aecef6-bcb0-4fb1-8100-28c094e3bc6b',
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/h.jpg' } }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'May 5' }] },
        ],
      },
    })
    const [request] = gupshup.received
    assert.equal(request.path, '/wa/api/v1/template/msg')
    assert.equal(request.headers.apikey, 'gs-key-1')
    assert.equal(request.form.get('source'), '917834811114')
    assert.equal(request.form.get('destination'), '919876543210')
    assert.equal(request.form.get('src.name'), 'DemoApp')
    assert.deepEqual(JSON.parse(request.form.get('template')!), { id: 'c6aecef6-bcb0-4fb1-8100-28c094e3bc6b', params: ['Ana', 'May 5'] })
    assert.deepEqual(JSON.parse(request.form.get('message')!), { type: 'image', image: { link: 'https://cdn.example/h.jpg' } })
    assert.isFalse(request.form.has('postbackTexts'))
  })

  test('nothing is sent for what Gupshup would refuse: an unsynced template, media by id', async ({ assert }) => {
    const unsynced = await failure(
      gupshupProvider.send(channelAt(gupshup.url), { to: '1', type: 'template', content: { name: 'x', language: { code: 'en' }, components: [] } })
    )
    assert.equal(unsynced.reason, 'template')
    const byId = await failure(gupshupProvider.send(channelAt(gupshup.url), { to: '1', type: 'image', content: { id: '42' } }))
    assert.equal(byId.reason, 'invalid')
    assert.lengthOf(gupshup.received, 0)
  })

  test('{"status":"error"} with HTTP 400 is invalid, not retried', async ({ assert }) => {
    gupshup.reply(400, JSON.stringify({ status: 'error', message: 'Invalid Destination' }))
    const error = await failure(gupshupProvider.send(channelAt(gupshup.url), text))
    assert.equal(error.reason, 'invalid')
    assert.isFalse(error.retryable)
    assert.equal(error.code, '400')
    assert.include(error.message, 'Invalid Destination')
  })

  test('{"status":"error"} with HTTP 200 is an error too; the 24-hour window is named', async ({ assert }) => {
    gupshup.reply(200, JSON.stringify({ status: 'error', message: 'Message cannot be sent: the 24 hour session window has expired' }))
    const error = await failure(gupshupProvider.send(channelAt(gupshup.url), text))
    assert.equal(error.reason, 'window_closed')
    assert.isFalse(error.retryable)
  })

  test('401 and 403 are auth', async ({ assert }) => {
    for (const status of [401, 403]) {
      gupshup.reply(status, JSON.stringify({ status: 'error', message: 'Authentication Failed' }))
      const error = await failure(gupshupProvider.send(channelAt(gupshup.url), text))
      assert.equal(error.reason, 'auth', String(status))
      assert.isFalse(error.retryable)
    }
  })

  test('429 is throttled, retried after Retry-After', async ({ assert }) => {
    gupshup.reply(429, 'Too Many Requests', { 'content-type': 'text/plain', 'retry-after': '7' })
    const error = await failure(gupshupProvider.send(channelAt(gupshup.url), text))
    assert.equal(error.reason, 'throttled')
    assert.isTrue(error.retryable)
    assert.equal(error.retryAfter, 7)
    assert.include(error.message, 'Too Many Requests')
  })

  test('500 (even as an HTML page) is a retryable provider error', async ({ assert }) => {
    gupshup.reply(500, '<html><body>Internal Server Error</body></html>', { 'content-type': 'text/html' })
    const error = await failure(gupshupProvider.send(channelAt(gupshup.url), text))
    assert.equal(error.reason, 'provider')
    assert.isTrue(error.retryable)
    assert.isNull(error.retryAfter)
  })

  test('an answer without messageId is a provider error', async ({ assert }) => {
    gupshup.reply(200, JSON.stringify({ status: 'submitted' }))
    assert.equal((await failure(gupshupProvider.send(channelAt(gupshup.url), text))).reason, 'provider')
  })

  test('no answer in time is a retryable timeout', async ({ assert }) => {
    gupshup.answer = () => {}
    const error = await failure(new GupshupProvider(300).send(channelAt(gupshup.url), text))
    assert.equal(error.reason, 'timeout')
    assert.isTrue(error.retryable)
  })

  test('an unreachable host is a retryable provider error', async ({ assert }) => {
    const closed = new FakeGupshup()
    await closed.start()
    await closed.stop()
    const error = await failure(gupshupProvider.send(channelAt(closed.url), text))
    assert.equal(error.reason, 'provider')
    assert.isTrue(error.retryable)
  })
})

test.group('Gupshup provider: read receipts, media, templates', (group) => {
  const gupshup = fakeGupshupFor(group)

  test('markRead: PUT on the app API when the app id is known, nothing otherwise', async ({ assert }) => {
    gupshup.reply(202, '')
    await gupshupProvider.markRead(channelAt(gupshup.url, { appId: 'app-1' }), 'ABEGkZUTIXZ0')
    assert.lengthOf(gupshup.received, 1)
    assert.equal(gupshup.received[0].method, 'PUT')
    assert.equal(gupshup.received[0].path, '/wa/app/app-1/msg/ABEGkZUTIXZ0/read')
    assert.equal(gupshup.received[0].headers.apikey, 'gs-key-1')

    await gupshupProvider.markRead(channelAt(gupshup.url), 'ABEGkZUTIXZ0')
    await gupshupProvider.typing()
    assert.lengthOf(gupshup.received, 1)
  })

  test('templates: the app list as definitions', async ({ assert }) => {
    gupshup.reply(
      200,
      JSON.stringify({
        status: 'success',
        templates: [
          { id: 't-1', elementName: 'order_update', languageCode: 'en_US', category: 'UTILITY', status: 'APPROVED', templateType: 'TEXT', data: 'Hi {{1}}' },
          { elementName: 'no id' },
        ],
      }),
      { 'content-type': 'text/html' }
    )
    const templates = await gupshupProvider.syncTemplates(channelAt(gupshup.url))
    assert.equal(gupshup.received[0].method, 'GET')
    assert.equal(gupshup.received[0].path, '/sm/api/v1/template/list/DemoApp')
    assert.equal(gupshup.received[0].headers.apikey, 'gs-key-1')
    assert.deepEqual(templates, [
      {
        providerTemplateId: 't-1',
        name: 'order_update',
        language: 'en_US',
        category: 'UTILITY',
        status: 'APPROVED',
        components: [{ type: 'BODY', text: 'Hi {{1}}' }],
      },
    ])
  })

  test('media: downloaded from the pre-signed URL without the API key', async ({ assert }) => {
    gupshup.reply(200, 'JPEGBYTES', { 'content-type': 'image/jpeg' })
    const media = await gupshupProvider.downloadMedia(channelAt(gupshup.url), `${gupshup.url}/wa/media/2f99?download=false`)
    assert.equal(media.bytes.toString(), 'JPEGBYTES')
    assert.equal(media.mime, 'image/jpeg')
    assert.equal(gupshup.received[0].path, '/wa/media/2f99?download=false')
    assert.isUndefined(gupshup.received[0].headers.apikey)
  })

  test('media failures are media errors; uploads are not supported', async ({ assert }) => {
    gupshup.reply(404, 'gone')
    assert.equal((await failure(gupshupProvider.downloadMedia(channelAt(gupshup.url), `${gupshup.url}/wa/media/x`))).reason, 'media')
    assert.equal((await failure(gupshupProvider.downloadMedia(channelAt(gupshup.url), 'file:///etc/passwd'))).reason, 'media')
    const upload = await failure(gupshupProvider.uploadMedia())
    assert.equal(upload.reason, 'unsupported')
  })
})

test.group('Gupshup provider: webhook token', () => {
  const channel = channelAt('http://127.0.0.1:9')
  const verify = (query: Record<string, unknown>, on = channel) => gupshupProvider.verifyWebhook(on, '{}', () => undefined, query)

  test('the secret ?token= must match', ({ assert }) => {
    assert.isTrue(verify({ token: 'url-secret' }))
    assert.isFalse(verify({ token: 'url-secreT' }))
    assert.isFalse(verify({ token: 'url-secret-longer' }))
    assert.isFalse(verify({}))
    assert.isFalse(verify({ token: ['url-secret', 'url-secret'] }))
  })

  test('a channel without a token accepts nothing; there is no handshake', ({ assert }) => {
    const bare = channelAt('http://127.0.0.1:9')
    bare.credentials = { apiKey: 'k' }
    assert.isFalse(verify({ token: '' }, bare))
    assert.isFalse(verify({ token: 'anything' }, bare))
    assert.isNull(gupshupProvider.handshake())
  })

  test('the plugin registers the provider', ({ assert }) => {
    assert.strictEqual(providers.find('whatsapp-gupshup'), gupshupProvider)
    assert.deepEqual(gupshupProvider.features, { mediaUpload: false, typing: false, templateIds: true })
    assert.deepEqual(gupshupProvider.limits, { defaultThroughputPerSecond: 80, maxThroughputPerSecond: 1000 })
  })
})
