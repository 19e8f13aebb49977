import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { pluginEnablement } from '#plugins/enablement'
import { workspaceWithMember } from '#database/factories/index'
import Channel, { type Provider } from '#messaging/models/channel'
import { hmacHex, metaSignature } from '#messaging/tests/support'

const META_BODY = JSON.stringify({
  object: 'whatsapp_business_account',
  entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', messages: [{ from: '79001234567', id: 'wamid.1', timestamp: '1700000000', type: 'text', text: { body: 'Привет \u{1F44B}' } }] } }] }],
})

async function channel(provider: Provider, credentials: Record<string, string>, enabled = true) {
  const { workspace, user } = await workspaceWithMember('owner')
  // Turning the provider on turns on messaging, which it requires.
  if (enabled) await pluginEnablement.enable(workspace, provider, user.id)
  return Channel.create({
    workspaceId: workspace.id,
    provider,
    name: provider,
    displayPhone: '+79001234567',
    providerIds: {},
    credentials,
    throughputPerSecond: 80,
  })
}

const stored = (channelId: number) => db.from('webhook_events').where('channel_id', channelId).select('body', 'provider')

test.group('POST/GET /webhooks/whatsapp/:channelId', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('Meta handshake: the challenge when the verify token matches, 403 otherwise', async ({ client }) => {
    const cloud = await channel('whatsapp-cloud', { appSecret: 's', verifyToken: 'let-me-in' })
    const ok = await client.get(`/webhooks/whatsapp/${cloud.id}`).qs({ 'hub.mode': 'subscribe', 'hub.verify_token': 'let-me-in', 'hub.challenge': '1158201444' })
    ok.assertStatus(200)
    ok.assertTextIncludes('1158201444')
    const wrong = await client.get(`/webhooks/whatsapp/${cloud.id}`).qs({ 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' })
    wrong.assertStatus(403)
  })

  test('a signed Meta webhook is stored, byte for byte, before the 200', async ({ client, assert }) => {
    const cloud = await channel('whatsapp-cloud', { appSecret: 'app-secret' })
    const response = await client
      .post(`/webhooks/whatsapp/${cloud.id}`)
      .header('content-type', 'application/json')
      .header('x-hub-signature-256', metaSignature('app-secret', META_BODY))
      .json(JSON.parse(META_BODY))
    response.assertStatus(200)
    const rows = await stored(cloud.id)
    assert.lengthOf(rows, 1)
    assert.deepEqual(JSON.parse(rows[0].body), JSON.parse(META_BODY))
    await cloud.refresh()
    assert.isNotNull(cloud.lastWebhookAt)
  })

  test('a wrong or missing signature is 401 and nothing is stored', async ({ client, assert }) => {
    const cloud = await channel('whatsapp-cloud', { appSecret: 'app-secret' })
    const wrong = await client
      .post(`/webhooks/whatsapp/${cloud.id}`)
      .header('x-hub-signature-256', metaSignature('another-secret', META_BODY))
      .json(JSON.parse(META_BODY))
    wrong.assertStatus(401)
    const missing = await client.post(`/webhooks/whatsapp/${cloud.id}`).json(JSON.parse(META_BODY))
    missing.assertStatus(401)
    assert.lengthOf(await stored(cloud.id), 0)
  })

  test('channels are cached for webhooks, yet a new app secret or a deletion applies to the very next webhook', async ({ client }) => {
    const cloud = await channel('whatsapp-cloud', { appSecret: 'old-secret' })
    const post = (secret: string) =>
      client.post(`/webhooks/whatsapp/${cloud.id}`).header('x-hub-signature-256', metaSignature(secret, META_BODY)).json(JSON.parse(META_BODY))
    ;(await post('old-secret')).assertStatus(200)
    cloud.credentials = { appSecret: 'new-secret' }
    await cloud.save()
    ;(await post('old-secret')).assertStatus(401)
    ;(await post('new-secret')).assertStatus(200)
    await cloud.delete()
    ;(await post('new-secret')).assertStatus(404)
  })

  test('malformed JSON is 400 and nothing stored; unknown channels and disabled workspaces are 404', async ({ client, assert }) => {
    const cloud = await channel('whatsapp-cloud', { appSecret: 'app-secret' })
    const broken = '{"object": "whatsapp_business_account", '
    const malformed = await client
      .post(`/webhooks/whatsapp/${cloud.id}`)
      .header('content-type', 'application/json')
      .header('x-hub-signature-256', metaSignature('app-secret', broken))
      .form(broken as any)
    malformed.assertStatus(400)
    assert.lengthOf(await stored(cloud.id), 0)

    ;(await client.post('/webhooks/whatsapp/999999').json({})).assertStatus(404)
    ;(await client.post('/webhooks/whatsapp/not-a-number').json({})).assertStatus(404)
    const off = await channel('whatsapp-cloud', { appSecret: 'app-secret' }, false)
    const disabled = await client
      .post(`/webhooks/whatsapp/${off.id}`)
      .header('x-hub-signature-256', metaSignature('app-secret', META_BODY))
      .json(JSON.parse(META_BODY))
    disabled.assertStatus(404)
  })

  test('the signature is checked before the body is parsed; any content type is read as is; a body over 1 MB is 413, a compressed one 415', async ({ client, assert }) => {
    const cloud = await channel('whatsapp-cloud', { appSecret: 'app-secret' })
    const broken = '{"object": '
    ;(await client.post(`/webhooks/whatsapp/${cloud.id}`).header('content-type', 'application/json').header('x-hub-signature-256', 'sha256=00').form(broken as any)).assertStatus(401)

    // A provider that labels its JSON text/plain is still read byte for byte.
    const plain = await client.post(`/webhooks/whatsapp/${cloud.id}`).header('content-type', 'text/plain').header('x-hub-signature-256', metaSignature('app-secret', META_BODY)).form(META_BODY as any)
    plain.assertStatus(200)
    assert.deepEqual((await stored(cloud.id)).map((row) => row.body), [META_BODY])

    const huge = JSON.stringify({ object: 'whatsapp_business_account', padding: 'x'.repeat(1024 * 1024) })
    const tooLarge = await client.post(`/webhooks/whatsapp/${cloud.id}`).header('content-type', 'application/json').header('x-hub-signature-256', metaSignature('app-secret', huge)).form(huge as any)
    tooLarge.assertStatus(413)
    const gzipped = await client.post(`/webhooks/whatsapp/${cloud.id}`).header('content-type', 'application/json').header('content-encoding', 'gzip').header('x-hub-signature-256', metaSignature('app-secret', META_BODY)).form(META_BODY as any)
    gzipped.assertStatus(415)
    assert.lengthOf(await stored(cloud.id), 1)
  })

  test('360dialog: x-360dialog-signature with or without "sha256=", or a static header', async ({ client, assert }) => {
    const signed = await channel('whatsapp-360dialog', { apiKey: 'k', webhookSecret: 'd360' })
    for (const prefix of ['', 'sha256=']) {
      const response = await client
        .post(`/webhooks/whatsapp/${signed.id}`)
        .header('x-360dialog-signature', `${prefix}${hmacHex('d360', META_BODY)}`)
        .json(JSON.parse(META_BODY))
      response.assertStatus(200)
    }
    assert.lengthOf(await stored(signed.id), 2)

    const headerOnly = await channel('whatsapp-360dialog', { apiKey: 'k', webhookHeaderName: 'X-Webhook-Key', webhookHeaderValue: 'static-value' })
    ;(await client.post(`/webhooks/whatsapp/${headerOnly.id}`).header('x-webhook-key', 'static-value').json(JSON.parse(META_BODY))).assertStatus(200)
    ;(await client.post(`/webhooks/whatsapp/${headerOnly.id}`).header('x-webhook-key', 'guess').json(JSON.parse(META_BODY))).assertStatus(401)
  })

  test('Gupshup: the secret ?token= of the webhook URL', async ({ client, assert }) => {
    const gupshup = await channel('whatsapp-gupshup', { apiKey: 'k', webhookToken: 'url-secret' })
    const event = { app: 'demo', timestamp: 1700000000000, version: 2, type: 'message', payload: { id: 'g1', source: '79001234567', type: 'text', payload: { text: 'Hi' }, sender: { phone: '79001234567', name: 'Ana' } } }
    ;(await client.post(`/webhooks/whatsapp/${gupshup.id}`).qs({ token: 'url-secret' }).json(event)).assertStatus(200)
    ;(await client.post(`/webhooks/whatsapp/${gupshup.id}`).qs({ token: 'wrong' }).json(event)).assertStatus(401)
    ;(await client.post(`/webhooks/whatsapp/${gupshup.id}`).json(event)).assertStatus(401)
    assert.lengthOf(await stored(gupshup.id), 1)
  })
})
