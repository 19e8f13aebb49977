import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { pluginEnablement } from '#plugins/enablement'
import { addMember, workspaceWithMember } from '#database/factories/index'
import Channel from '#messaging/models/channel'
import Contact from '#messaging/models/contact'
import Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import MessageTemplate from '#messaging/models/message_template'
import { appUrl, until, useSimulatorAndWorkers } from '#messaging/tests/support'

const WINDOW_REASON = 'outside the 24-hour customer-service window: send an approved template'

/** A workspace whose owner (and, when asked, an agent) can use the Channels pages, with `providers` on. */
async function workspaceWith(...providers: string[]) {
  const { workspace, user } = await workspaceWithMember('owner')
  await pluginEnablement.enable(workspace, 'messaging', user.id)
  for (const provider of providers) await pluginEnablement.enable(workspace, provider, user.id)
  return { workspace, user, base: `/w/${workspace.slug}/messaging` }
}

const CLOUD = {
  provider: 'whatsapp-cloud',
  name: 'Support',
  phoneNumber: '+44 7700 900123',
  phoneNumberId: '106540352242922',
  wabaId: '102290129340398',
  accessToken: 'EAAGcloud-permanent-token',
  appSecret: 'cloud-app-secret-1234',
}
const DIALOG360 = { provider: 'whatsapp-360dialog', name: 'Sales', phoneNumber: '+49 151 12345678', apiKey: 'd360-api-key-secret', webhookSecret: 'd360-webhook-secret' }
const GUPSHUP = { provider: 'whatsapp-gupshup', name: 'India', phoneNumber: '+91 78348 11114', appName: 'shopapp', apiKey: 'gupshup-api-key-secret', source: '917834811114' }

async function cloudChannelIn(workspaceId: number, overrides: Partial<Channel> = {}) {
  return Channel.create({
    workspaceId,
    provider: 'whatsapp-cloud',
    name: 'Line',
    displayPhone: '+447700900123',
    providerIds: { phoneNumberId: '1001', wabaId: '2002' },
    credentials: { accessToken: 'EAAG-existing-token', appSecret: 'existing-app-secret', verifyToken: 'existing-verify-token' },
    throughputPerSecond: 80,
    ...overrides,
  })
}

test.group('Channels settings: connect, edit, delete', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('connect a Cloud API channel through the guided form: stored encrypted, never rendered', async ({ client, assert }) => {
    const { workspace, user, base } = await workspaceWith('whatsapp-cloud')

    const list = await client.get(base).loginAs(user)
    list.assertStatus(200)
    assert.include(list.text(), `${base}/channels/new`)

    const form = await client.get(`${base}/channels/new`).loginAs(user)
    form.assertStatus(200)
    assert.include(form.text(), 'value="whatsapp-cloud"')
    assert.include(form.text(), 'WhatsApp Manager → API Setup')
    assert.include(form.text(), 'App settings → Basic')
    assert.notInclude(form.text(), 'value="whatsapp-gupshup"', 'a provider that is off is not offered')

    const response = await client.post(`${base}/channels`).form(CLOUD).loginAs(user).withCsrfToken().redirects(0)
    response.assertStatus(302)
    const channel = await Channel.query().where('workspace_id', workspace.id).firstOrFail()
    assert.equal(response.header('location'), `${base}/channels/${channel.id}`)
    assert.equal(channel.displayPhone, '+447700900123')
    assert.deepEqual(channel.providerIds, { phoneNumberId: CLOUD.phoneNumberId, wabaId: CLOUD.wabaId })
    assert.equal(channel.credentials.accessToken, CLOUD.accessToken)
    assert.equal(channel.credentials.appSecret, CLOUD.appSecret)
    assert.isString(channel.credentials.verifyToken)

    const raw = await db.from('channels').where('id', channel.id).firstOrFail()
    for (const secret of [CLOUD.accessToken, CLOUD.appSecret, channel.credentials.verifyToken]) assert.notInclude(raw.credentials, secret)

    const page = await client.get(`${base}/channels/${channel.id}`).loginAs(user)
    page.assertStatus(200)
    assert.include(page.text(), `/webhooks/whatsapp/${channel.id}`)
    assert.include(page.text(), `value="${channel.credentials.verifyToken}"`, 'Meta asks for the verify token')
    assert.include(page.text(), 'data-copy="webhook-url"')
    assert.include(page.text(), 'data-warning="no-webhook"')
    assert.notInclude(page.text(), CLOUD.accessToken)
    assert.notInclude(page.text(), CLOUD.appSecret)
  })

  test('connect 360dialog and Gupshup channels: only their fields, secrets kept out of the page', async ({ client, assert }) => {
    const { workspace, user, base } = await workspaceWith('whatsapp-360dialog', 'whatsapp-gupshup')

    for (const input of [DIALOG360, GUPSHUP]) {
      const response = await client.post(`${base}/channels`).form(input).loginAs(user).withCsrfToken().redirects(0)
      response.assertStatus(302)
    }
    const dialog = await Channel.query().where('workspace_id', workspace.id).where('provider', 'whatsapp-360dialog').firstOrFail()
    assert.deepEqual(dialog.credentials, { apiKey: DIALOG360.apiKey, webhookSecret: DIALOG360.webhookSecret })
    const gupshup = await Channel.query().where('workspace_id', workspace.id).where('provider', 'whatsapp-gupshup').firstOrFail()
    assert.deepEqual(gupshup.providerIds, { appName: 'shopapp', source: '917834811114' })
    assert.equal(gupshup.credentials.apiKey, GUPSHUP.apiKey)
    assert.isString(gupshup.credentials.webhookToken)

    const dialogPage = await client.get(`${base}/channels/${dialog.id}`).loginAs(user)
    assert.include(dialogPage.text(), '/v1/configs/webhook')
    assert.notInclude(dialogPage.text(), DIALOG360.apiKey)
    assert.notInclude(dialogPage.text(), DIALOG360.webhookSecret)
    assert.notInclude(dialogPage.text(), 'data-copy="verify-token"', 'no verify token outside the Cloud API')

    const gupshupPage = await client.get(`${base}/channels/${gupshup.id}`).loginAs(user)
    assert.include(gupshupPage.text(), `/webhooks/whatsapp/${gupshup.id}?token=${gupshup.credentials.webhookToken}`)
    assert.notInclude(gupshupPage.text(), GUPSHUP.apiKey)

    const list = await client.get(base).loginAs(user)
    assert.include(list.text(), 'Sales')
    assert.include(list.text(), 'India')
    assert.include(list.text(), '360dialog')
    assert.include(list.text(), 'Gupshup')
  })

  test('422 with labelled field messages for the missing fields of each provider', async ({ client, assert }) => {
    const { workspace, user, base } = await workspaceWith('whatsapp-cloud', 'whatsapp-360dialog', 'whatsapp-gupshup')
    const missing = async (body: Record<string, string>) => {
      const response = await client.post(`${base}/channels`).form(body).header('hx-request', 'true').loginAs(user).withCsrfToken()
      response.assertStatus(422)
      return response.body().errors as { field: string; message: string }[]
    }

    const cloud = await missing({ provider: 'whatsapp-cloud', name: 'A', phoneNumber: '+447700900123' })
    assert.sameMembers(cloud.map((e) => e.field), ['phoneNumberId', 'wabaId', 'accessToken', 'appSecret'])
    assert.include(cloud.map((e) => e.message), 'Phone number ID is required')
    const dialog = await missing({ provider: 'whatsapp-360dialog', name: 'A', phoneNumber: '+447700900123' })
    assert.sameMembers(dialog.map((e) => e.field), ['apiKey'])
    const gupshup = await missing({ provider: 'whatsapp-gupshup', name: 'A', phoneNumber: '+447700900123' })
    assert.sameMembers(gupshup.map((e) => e.field), ['appName', 'apiKey', 'source'])
    const common = await missing({ provider: 'whatsapp-gupshup', appName: 'x', apiKey: 'k', source: '917834811114' })
    assert.sameMembers(common.map((e) => e.field), ['name', 'phoneNumber'])

    // A number the phone library rejects is that field's error, without the field's name in front.
    const badPhone = await missing({ ...CLOUD, phoneNumber: '+999 123 456' })
    assert.deepEqual(badPhone.map((e) => e.field), ['phoneNumber'])
    assert.match(badPhone[0].message, /^not a valid phone number/)

    // A plain form goes back with the errors, the typed values kept, the secrets not.
    const plain = await client
      .post(`${base}/channels`)
      .form({ provider: 'whatsapp-cloud', name: 'Kept', phoneNumber: '+447700900123', accessToken: 'EAAG-typed-secret' })
      .header('referer', `${base}/channels/new`)
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    plain.assertStatus(302)
    assert.equal(plain.header('location'), `${base}/channels/new`)
    const flashed = plain.flashMessages()
    assert.property(flashed.inputErrorsBag, 'phoneNumberId')
    assert.equal(flashed.name, 'Kept')
    assert.notProperty(flashed, 'accessToken')

    assert.equal(Number((await db.from('channels').where('workspace_id', workspace.id).count('* as n'))[0].n), 0)
  })

  test('a provider that is off in the workspace cannot be connected', async ({ client, assert }) => {
    const { workspace, user, base } = await workspaceWith('whatsapp-cloud')
    const response = await client.post(`${base}/channels`).form(GUPSHUP).header('hx-request', 'true').loginAs(user).withCsrfToken()
    response.assertStatus(422)
    assert.deepEqual(response.body().errors.map((e: any) => e.field), ['provider'])
    assert.isNull(await Channel.query().where('workspace_id', workspace.id).first())

    const none = await workspaceWith()
    const page = await client.get(`${none.base}/channels/new`).loginAs(none.user)
    page.assertStatus(200)
    assert.include(page.text(), 'data-testid="no-providers"')
  })

  test('an agent sees channels but no connect form, setup or settings, and is refused on the server', async ({ client, assert }) => {
    const { workspace, base } = await workspaceWith('whatsapp-cloud')
    const agent = await addMember(workspace, 'agent')
    const channel = await cloudChannelIn(workspace.id)

    const list = await client.get(base).loginAs(agent)
    list.assertStatus(200)
    assert.include(list.text(), 'Line')
    assert.notInclude(list.text(), 'data-testid="connect-channel"')

    const page = await client.get(`${base}/channels/${channel.id}`).loginAs(agent)
    page.assertStatus(200)
    assert.include(page.text(), 'data-testid="health"')
    assert.include(page.text(), 'data-testid="test-message"', 'agents may send')
    for (const hidden of ['data-testid="setup"', 'data-testid="edit"', 'data-testid="danger"', 'data-testid="sync-templates"', 'existing-verify-token']) {
      assert.notInclude(page.text(), hidden)
    }

    ;(await client.get(`${base}/channels/new`).loginAs(agent)).assertStatus(403)
    ;(await client.post(`${base}/channels`).form(CLOUD).loginAs(agent).withCsrfToken().redirects(0)).assertStatus(403)
    ;(await client.put(`${base}/channels/${channel.id}`).form({ name: 'Mine' }).loginAs(agent).withCsrfToken().redirects(0)).assertStatus(403)
    ;(await client.delete(`${base}/channels/${channel.id}`).loginAs(agent).withCsrfToken().redirects(0)).assertStatus(403)
    ;(await client.post(`${base}/channels/${channel.id}/templates/sync`).loginAs(agent).withCsrfToken().redirects(0)).assertStatus(403)
    assert.equal((await Channel.findOrFail(channel.id)).name, 'Line')

    const viewer = await addMember(workspace, 'viewer')
    const viewerPage = await client.get(`${base}/channels/${channel.id}`).loginAs(viewer)
    assert.notInclude(viewerPage.text(), 'data-testid="test-message"')
    const send = await client.post(`${base}/channels/${channel.id}/test-messages`).form({ to: '+447700900999', type: 'text', 'text[body]': 'Hi' }).loginAs(viewer).withCsrfToken().redirects(0)
    send.assertStatus(403)
  })

  test('another workspace’s channel is a 404 on every channel route', async ({ client, assert }) => {
    const victim = await workspaceWith('whatsapp-cloud')
    const channel = await cloudChannelIn(victim.workspace.id, { name: 'Victim line' })
    const contact = await Contact.create({ workspaceId: victim.workspace.id, phone: '+447700900555', optInStatus: 'unknown', blocked: false, attributes: {} })
    const conversation = await Conversation.create({ workspaceId: victim.workspace.id, contactId: contact.id, channelId: channel.id, status: 'open', lastActivityAt: DateTime.now(), unreadCount: 0 })
    const message = await Message.create({ workspaceId: victim.workspace.id, conversationId: conversation.id, channelId: channel.id, direction: 'outbound', type: 'text', content: { body: 'x' }, status: 'queued', authorType: 'agent' })

    // The intruder owns their own workspace with messaging on, and uses its slug with the victim's ids.
    const intruder = await workspaceWith('whatsapp-cloud')
    const at = `${intruder.base}/channels/${channel.id}`
    const requests = {
      'show': client.get(at),
      'update': client.put(at).form({ name: 'Stolen' }).withCsrfToken(),
      'destroy': client.delete(at).withCsrfToken(),
      'sync': client.post(`${at}/templates/sync`).withCsrfToken(),
      'test message': client.post(`${at}/test-messages`).form({ to: '+447700900999', type: 'text', 'text[body]': 'Hi' }).withCsrfToken(),
      'test message status': client.get(`${at}/test-messages/${message.id}`),
    }
    for (const [name, request] of Object.entries(requests)) {
      const response = await request.loginAs(intruder.user).redirects(0)
      assert.equal(response.status(), 404, name)
    }
    // And under the victim's slug, the workspace itself is a 404.
    ;(await client.get(`${victim.base}/channels/${channel.id}`).loginAs(intruder.user)).assertStatus(404)

    const untouched = await Channel.findOrFail(channel.id)
    assert.equal(untouched.name, 'Victim line')
    assert.equal(Number((await db.from('messages').where('workspace_id', victim.workspace.id).count('* as n'))[0].n), 1)
  })

  test('edit: blank secrets are kept, given ones rotated, a blank API base URL resets it', async ({ client, assert }) => {
    const { workspace, user, base } = await workspaceWith('whatsapp-cloud')
    const channel = await cloudChannelIn(workspace.id, { apiBaseUrl: 'http://127.0.0.1:4010' })

    const page = await client.get(`${base}/channels/${channel.id}`).loginAs(user)
    assert.include(page.text(), 'value="Line"')
    assert.notInclude(page.text(), 'EAAG-existing-token')
    assert.notInclude(page.text(), 'existing-app-secret')

    const response = await client
      .put(`${base}/channels/${channel.id}`)
      .form({ name: 'Renamed', accessToken: '', appSecret: 'rotated-app-secret', apiBaseUrl: '', throughputPerSecond: '20', provider: 'whatsapp-gupshup' })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    assert.equal(response.header('location'), `${base}/channels/${channel.id}`)
    await channel.refresh()
    assert.equal(channel.name, 'Renamed')
    assert.equal(channel.provider, 'whatsapp-cloud', 'the provider cannot change')
    assert.equal(channel.throughputPerSecond, 20)
    assert.isNull(channel.apiBaseUrl)
    assert.deepEqual(channel.credentials, { accessToken: 'EAAG-existing-token', appSecret: 'rotated-app-secret', verifyToken: 'existing-verify-token' })

    const invalid = await client
      .put(`${base}/channels/${channel.id}`)
      .form({ name: 'x'.repeat(121), throughputPerSecond: '0' })
      .header('hx-request', 'true')
      .loginAs(user)
      .withCsrfToken()
    invalid.assertStatus(422)
    assert.sameMembers(invalid.body().errors.map((e: any) => e.field), ['name', 'throughputPerSecond'])
  })

  test('delete: the channel goes with its conversations and messages; contacts stay', async ({ client, assert }) => {
    const { workspace, user, base } = await workspaceWith('whatsapp-cloud')
    const channel = await cloudChannelIn(workspace.id)
    const contact = await Contact.create({ workspaceId: workspace.id, phone: '+447700900555', optInStatus: 'unknown', blocked: false, attributes: {} })
    const conversation = await Conversation.create({ workspaceId: workspace.id, contactId: contact.id, channelId: channel.id, status: 'open', lastActivityAt: DateTime.now(), unreadCount: 0 })
    await Message.create({ workspaceId: workspace.id, conversationId: conversation.id, channelId: channel.id, direction: 'inbound', type: 'text', content: { body: 'Hi' }, status: 'received', authorType: 'contact' })

    const page = await client.get(`${base}/channels/${channel.id}`).loginAs(user)
    assert.include(page.text(), 'Deletes its 1 conversation and 1 message')

    const response = await client.delete(`${base}/channels/${channel.id}`).loginAs(user).withCsrfToken().redirects(0)
    response.assertStatus(302)
    assert.equal(response.header('location'), base)
    response.assertFlashMessage('success', 'Channel “Line” deleted.')
    assert.isNull(await Channel.find(channel.id))
    assert.isNull(await Conversation.find(conversation.id))
    assert.equal(Number((await db.from('messages').where('channel_id', channel.id).count('* as n'))[0].n), 0)
    assert.isNotNull(await Contact.find(contact.id))
  })

  test('the list shows health: never a webhook as a warning, the last error with its time', async ({ client, assert }) => {
    const { workspace, user, base } = await workspaceWith('whatsapp-cloud')
    await cloudChannelIn(workspace.id, { name: 'Quiet' })
    await cloudChannelIn(workspace.id, { name: 'Busy', lastWebhookAt: DateTime.now(), lastError: 'Invalid OAuth access token', lastErrorAt: DateTime.now() })

    const list = await client.get(base).loginAs(user)
    const quiet = list.text().split('data-channel=').find((row) => row.includes('Quiet'))!
    const busy = list.text().split('data-channel=').find((row) => row.includes('Busy'))!
    assert.include(quiet, 'data-warning="no-webhook"')
    assert.notInclude(busy, 'data-warning="no-webhook"')
    assert.include(busy, 'Invalid OAuth access token')
  })

  test('the pages speak Russian to a Russian-speaking user', async ({ client, assert }) => {
    const { workspace, user, base } = await workspaceWith('whatsapp-cloud')
    user.locale = 'ru'
    await user.save()
    const channel = await cloudChannelIn(workspace.id)
    assert.include((await client.get(`${base}/channels/new`).loginAs(user)).text(), 'Подключение канала WhatsApp')
    const page = await client.get(`${base}/channels/${channel.id}`).loginAs(user)
    assert.include(page.text(), 'Подключение вебхука')
    assert.include(page.text(), 'Тестовое сообщение')
    const invalid = await client.post(`${base}/channels`).form({ provider: 'whatsapp-cloud', name: 'A', phoneNumber: '+447700900123' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    assert.include(invalid.body().errors.map((e: any) => e.message).join(' '), 'Токен доступа')
  })
})

/**
 * Against a real simulator, with the real queue: template sync and a test message.
 */
test.group('Channels settings: templates and a test message through the simulator', (group) => {
  const rig = useSimulatorAndWorkers(group, { seed: 11, workers: 2 })

  /** Connects a Cloud API channel through the form, pointed at the simulator, and registers its number there. */
  async function connectThroughForm(client: any, user: any, base: string, workspaceId: number) {
    const phoneNumberId = `${Date.now()}`
    const response = await client
      .post(`${base}/channels`)
      .form({ ...CLOUD, phoneNumberId, wabaId: `waba${phoneNumberId}`, apiBaseUrl: rig.simulator.url })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    const channel = await Channel.query().where('workspace_id', workspaceId).orderBy('id', 'desc').firstOrFail()
    rig.simulator.addNumber({
      mode: 'cloud',
      phoneNumberId,
      wabaId: `waba${phoneNumberId}`,
      displayPhone: '447700900123',
      accessToken: CLOUD.accessToken,
      appSecret: CLOUD.appSecret,
      webhookUrl: `${appUrl()}/webhooks/whatsapp/${channel.id}`,
      statusBehaviour: { delayMs: 5 },
    })
    return { channel, phoneNumberId }
  }

  test('sync templates; a text outside the window is refused with the reason, hello_world goes and leaves the queue', async ({ client, assert }) => {
    const { workspace, user, base } = await workspaceWith('whatsapp-cloud')
    const { channel, phoneNumberId } = await connectThroughForm(client, user, base, workspace.id)
    const at = `${base}/channels/${channel.id}`

    const before = await client.get(at).loginAs(user)
    assert.notInclude(before.text(), 'value="template"', 'no template to offer before a sync')

    const synced = await client.post(`${at}/templates/sync`).loginAs(user).withCsrfToken().redirects(0)
    synced.assertStatus(302)
    assert.match(String(synced.flashMessages().success), /^\d+ templates synced$/)
    const names = (await MessageTemplate.query().where('channel_id', channel.id)).map((template) => template.name)
    assert.include(names, 'hello_world')

    const page = await client.get(at).loginAs(user)
    assert.include(page.text(), 'data-template="hello_world"')
    assert.include(page.text(), 'Template hello_world (en_US)')

    // Free text to someone who never wrote: refused, and the template offered instead.
    const refused = await client
      .post(`${at}/test-messages`)
      .form({ to: '+44 7700 900777', type: 'text', 'text[body]': 'Hello there' })
      .header('hx-request', 'true')
      .loginAs(user)
      .withCsrfToken()
    refused.assertStatus(422)
    assert.include(refused.text(), WINDOW_REASON)
    assert.include(refused.text(), 'data-testid="send-template-instead"')
    assert.include(refused.text(), 'value="+447700900777"')
    assert.equal(Number((await db.from('messages').count('* as n'))[0].n), 0)

    // Without JavaScript, the same refusal comes back as a flash message.
    const plainRefusal = await client
      .post(`${at}/test-messages`)
      .form({ to: '+447700900777', type: 'text', 'text[body]': 'Hello there' })
      .header('referer', at)
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    plainRefusal.assertStatus(302)
    plainRefusal.assertFlashMessage('error', WINDOW_REASON)

    const queued = await client
      .post(`${at}/test-messages`)
      .form({ to: '+447700900777', type: 'template', 'template[name]': 'hello_world', 'template[language][code]': 'en_US' })
      .header('hx-request', 'true')
      .loginAs(user)
      .withCsrfToken()
    queued.assertStatus(200)
    assert.include(queued.text(), 'data-status="queued"')
    assert.include(queued.text(), 'hx-trigger="every 2s"')
    const message = await Message.query().where('channel_id', channel.id).where('direction', 'outbound').firstOrFail()

    // What the poll sees once the job has sent it: a status, and no more polling.
    let status = ''
    await until(async () => {
      const poll = await client.get(`${at}/test-messages/${message.id}`).header('hx-request', 'true').loginAs(user)
      poll.assertStatus(200)
      status = poll.text().match(/data-status="(\w+)"/)![1]
      if (status !== 'queued') assert.notInclude(poll.text(), 'hx-trigger')
      return status !== 'queued'
    }, 'the test message to leave the queue')
    assert.oneOf(status, ['sent', 'delivered', 'read'])
    const sent = rig.simulator.received(phoneNumberId).filter((request) => request.kind === 'message')
    assert.lengthOf(sent, 1)
    assert.equal(sent[0].type, 'template')
    assert.equal(sent[0].to, '447700900777')

    // Without JavaScript: the channel page shows the message's status with a refresh link.
    const plain = await client.get(`${at}/test-messages/${message.id}`).loginAs(user).redirects(0)
    assert.equal(plain.header('location'), `${at}?message=${message.id}`)
    const shown = await client.get(`${at}?message=${message.id}`).loginAs(user)
    assert.include(shown.text(), 'data-testid="test-message-status"')
  }).timeout(30_000)

  test('a customer who wrote in the last 24 hours gets the free text', async ({ client, assert }) => {
    const { workspace, user, base } = await workspaceWith('whatsapp-cloud')
    const { channel, phoneNumberId } = await connectThroughForm(client, user, base, workspace.id)
    await rig.simulator.inject(phoneNumberId, { from: '4915112345678', name: 'Jürgen', type: 'text', text: 'Hallo!' })
    await until(async () => !!(await Conversation.query().where('channel_id', channel.id).whereNotNull('window_expires_at').first()), 'the inbound message')

    const response = await client
      .post(`${base}/channels/${channel.id}/test-messages`)
      .form({ to: '+49 151 12345678', type: 'text', 'text[body]': 'Guten Tag!' })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    response.assertFlashMessage('success', 'Test message queued.')
    const message = await Message.query().where('channel_id', channel.id).where('direction', 'outbound').firstOrFail()
    assert.equal(response.header('location'), `${base}/channels/${channel.id}?message=${message.id}`)
    await until(async () => (await Message.findOrFail(message.id)).status !== 'queued', 'the text to be sent')
    assert.deepEqual((rig.simulator.received(phoneNumberId).find((r) => r.kind === 'message')!.body as any).text, { body: 'Guten Tag!' })

    // The webhook reached us, so the page no longer warns.
    const page = await client.get(`${base}/channels/${channel.id}`).loginAs(user)
    assert.notInclude(page.text(), 'data-warning="no-webhook"')
  }).timeout(30_000)

  test('a provider that refuses the template list is reported, not a server error', async ({ client, assert }) => {
    const { workspace, user, base } = await workspaceWith('whatsapp-cloud')
    const { channel } = await connectThroughForm(client, user, base, workspace.id)
    channel.credentials = { ...channel.credentials, accessToken: 'EAAG-wrong-token' }
    await channel.save()

    const response = await client.post(`${base}/channels/${channel.id}/templates/sync`).loginAs(user).withCsrfToken().redirects(0)
    response.assertStatus(302)
    assert.match(String(response.flashMessages().error), /^The provider refused the template list/)
    assert.equal(Number((await db.from('message_templates').count('* as n'))[0].n), 0)
  })
})
