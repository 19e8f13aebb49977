import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { issueApiToken } from '#auth/api_tokens'
import { addMember } from '#database/factories/index'
import Contact from '#messaging/models/contact'
import Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import router from '@adonisjs/core/services/router'
import { storeMedia } from '#messaging/services/media_store'
import { pluginEnablement } from '#plugins/enablement'
import { apiWorkspace } from '#messaging/tests/support'

const cloud = {
  provider: 'whatsapp-cloud',
  name: 'Sales',
  phoneNumber: '+7 900 123-45-67',
  phoneNumberId: '106540352242922',
  wabaId: '102290129340398',
  accessToken: 'EAAG-very-secret',
  appSecret: 'app-secret-value',
  verifyToken: 'my-verify-token',
}

test.group('API v1: channels', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('POST /api/v1/channels: 201 with the webhook URL; secrets are stored encrypted and never echoed', async ({ client, assert }) => {
    const { token } = await apiWorkspace()
    const response = await client.post('/api/v1/channels').bearerToken(token).json(cloud)
    response.assertStatus(201)
    const channel = response.body().data
    assert.equal(channel.phoneNumber, '+79001234567')
    assert.equal(channel.provider, 'whatsapp-cloud')
    assert.match(channel.webhookUrl, new RegExp(`/webhooks/whatsapp/${channel.id}$`))
    assert.deepEqual(channel.providerIds, { phoneNumberId: cloud.phoneNumberId, wabaId: cloud.wabaId })
    for (const secret of [cloud.accessToken, cloud.appSecret, cloud.verifyToken]) {
      assert.notInclude(response.text(), secret)
      assert.notInclude((await db.from('channels').where('id', channel.id).firstOrFail()).credentials, secret)
    }

    const listed = await client.get('/api/v1/channels').bearerToken(token)
    listed.assertStatus(200)
    assert.deepEqual(listed.body().data.map((c: any) => c.id), [channel.id])
    assert.notInclude(listed.text(), cloud.accessToken)
  })

  test('each provider has its own required fields (422 naming them); Gupshup gets a secret ?token= URL', async ({ client, assert }) => {
    const { token } = await apiWorkspace('whatsapp-gupshup')
    const missing = await client.post('/api/v1/channels').bearerToken(token).json({ provider: 'whatsapp-cloud', name: 'x', phoneNumber: '+79001234567' })
    missing.assertStatus(422)
    assert.includeMembers(missing.body().errors.map((e: any) => e.field), ['phoneNumberId', 'wabaId', 'accessToken', 'appSecret'])

    const dialog = await client.post('/api/v1/channels').bearerToken(token).json({ provider: 'whatsapp-360dialog', name: 'x', phoneNumber: '+79001234567' })
    dialog.assertStatus(422)
    assert.deepEqual(dialog.body().errors.map((e: any) => e.field), ['apiKey'])

    const gupshup = await client
      .post('/api/v1/channels')
      .bearerToken(token)
      .json({ provider: 'whatsapp-gupshup', name: 'Shop', phoneNumber: '+919876543210', appName: 'shopapp', apiKey: 'gs-secret-key', source: '919876543210' })
    gupshup.assertStatus(201)
    const url = new URL(gupshup.body().data.webhookUrl)
    assert.equal(url.pathname, `/webhooks/whatsapp/${gupshup.body().data.id}`)
    assert.isAtLeast(url.searchParams.get('token')!.length, 24)
    assert.notInclude(gupshup.text(), 'gs-secret-key')

    const badPhone = await client.post('/api/v1/channels').bearerToken(token).json({ ...cloud, phoneNumber: '+1 23' })
    badPhone.assertStatus(422)
  })

  test('a generated verify token is given once, at creation; PATCH keeps what is not sent; DELETE', async ({ client, assert }) => {
    const { token } = await apiWorkspace()
    const { verifyToken, ...withoutToken } = cloud
    const created = await client.post('/api/v1/channels').bearerToken(token).json(withoutToken)
    created.assertStatus(201)
    assert.isAtLeast(created.body().data.verifyToken.length, 24)
    const id = created.body().data.id
    ;(await client.get(`/api/v1/channels/${id}`).bearerToken(token)).assertBodyContains({ data: { id } })
    assert.notProperty((await client.get(`/api/v1/channels/${id}`).bearerToken(token)).body().data, 'verifyToken')

    const patched = await client.patch(`/api/v1/channels/${id}`).bearerToken(token).json({ name: 'Renamed', throughputPerSecond: 1000 })
    patched.assertStatus(200)
    assert.equal(patched.body().data.name, 'Renamed')
    assert.equal(patched.body().data.throughputPerSecond, 1000)
    ;(await client.patch(`/api/v1/channels/${id}`).bearerToken(token).json({ throughputPerSecond: 5000 })).assertStatus(422)

    ;(await client.delete(`/api/v1/channels/${id}`).bearerToken(token)).assertStatus(204)
    ;(await client.get(`/api/v1/channels/${id}`).bearerToken(token)).assertStatus(404)

    const audit = await db.from('audit_logs').where('action', 'like', 'channel.%').orderBy('id')
    assert.deepEqual(audit.map((row) => row.action), ['channel.connected', 'channel.updated', 'channel.deleted'])
    assert.includeMembers(audit[1].meta.changed, ['name', 'throughputPerSecond'])
    assert.notInclude(JSON.stringify(audit), cloud.accessToken)
  })
})

test.group('API v1: contacts and conversations', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('contacts: create (E.164), duplicate phone 422, search by name or phone, paginate, patch', async ({ client, assert }) => {
    const { token } = await apiWorkspace()
    const created = await client.post('/api/v1/contacts').bearerToken(token).json({ name: 'Анна Петрова', phone: '+7 (900) 111-22-33' })
    created.assertStatus(201)
    assert.equal(created.body().data.phone, '+79001112233')
    assert.equal(created.body().data.optIn.status, 'unknown')
    const duplicate = await client.post('/api/v1/contacts').bearerToken(token).json({ phone: '79001112233' })
    duplicate.assertStatus(422)
    assert.equal(duplicate.body().errors[0].field, 'phone')
    ;(await client.post('/api/v1/contacts').bearerToken(token).json({ name: 'No phone' })).assertStatus(422)
    for (let i = 0; i < 3; i++) await client.post('/api/v1/contacts').bearerToken(token).json({ name: `Borис ${i}`, phone: `+4915112345${60 + i}` })

    const byName = await client.get('/api/v1/contacts').bearerToken(token).qs({ search: 'анна' })
    assert.deepEqual(byName.body().data.map((c: any) => c.phone), ['+79001112233'])
    const byPhone = await client.get('/api/v1/contacts').bearerToken(token).qs({ search: '1112233' })
    assert.lengthOf(byPhone.body().data, 1)
    const paged = await client.get('/api/v1/contacts').bearerToken(token).qs({ perPage: 2, page: 2 })
    assert.deepEqual(paged.body().meta, { page: 2, perPage: 2, total: 4, lastPage: 2 })
    ;(await client.get('/api/v1/contacts').bearerToken(token).qs({ search: '100%_' })).assertStatus(200)

    const id = created.body().data.id
    const patched = await client.patch(`/api/v1/contacts/${id}`).bearerToken(token).json({ name: 'Анна', attributes: { tier: 'gold' } })
    patched.assertStatus(200)
    assert.deepEqual(patched.body().data.attributes, { tier: 'gold' })
  })

  test('conversations: filters, one conversation, messages newest last', async ({ client, assert }) => {
    const { token, workspace } = await apiWorkspace()
    const channel = (await client.post('/api/v1/channels').bearerToken(token).json(cloud)).body().data
    const contact = await Contact.create({ workspaceId: workspace.id, phone: '+79001112233', waId: '79001112233', attributes: {} })
    const open = await Conversation.create({ workspaceId: workspace.id, contactId: contact.id, channelId: channel.id, status: 'open', lastActivityAt: DateTime.now(), unreadCount: 2 })
    await Conversation.create({ workspaceId: workspace.id, contactId: contact.id, channelId: channel.id, status: 'resolved', lastActivityAt: DateTime.now().minus({ days: 3 }), unreadCount: 0 })
    for (const body of ['first', 'second', 'third']) {
      await Message.create({ workspaceId: workspace.id, conversationId: open.id, channelId: channel.id, direction: 'inbound', type: 'text', content: { body }, status: 'received', authorType: 'contact' })
    }

    const onlyOpen = await client.get('/api/v1/conversations').bearerToken(token).qs({ status: 'open' })
    assert.deepEqual(onlyOpen.body().data.map((c: any) => c.id), [open.id])
    assert.equal(onlyOpen.body().data[0].contact.phone, '+79001112233')
    assert.lengthOf((await client.get('/api/v1/conversations').bearerToken(token).qs({ assignee: 'none', channel: channel.id })).body().data, 2)
    ;(await client.get('/api/v1/conversations').bearerToken(token).qs({ status: 'lost' })).assertStatus(422)

    const messages = await client.get(`/api/v1/conversations/${open.id}/messages`).bearerToken(token).qs({ perPage: 2 })
    assert.deepEqual(messages.body().data.map((m: any) => m.content.body), ['second', 'third'])
    const keys = Object.keys(messages.body().data[0])
    assert.includeMembers(keys, ['id', 'direction', 'type', 'status', 'providerMessageId', 'content', 'errorCode', 'errorReason', 'createdAt', 'sentAt', 'deliveredAt', 'readAt'])
  })

  test('another workspace’s records are 404; a token without the ability is 403', async ({ client, assert }) => {
    const mine = await apiWorkspace()
    const theirs = await apiWorkspace()
    const channel = (await client.post('/api/v1/channels').bearerToken(theirs.token).json(cloud)).body().data
    const contact = (await client.post('/api/v1/contacts').bearerToken(theirs.token).json({ phone: '+79001112233' })).body().data
    const conversation = await Conversation.create({ workspaceId: theirs.workspace.id, contactId: contact.id, channelId: channel.id, status: 'open', lastActivityAt: DateTime.now(), unreadCount: 0 })

    const media = await storeMedia({ workspaceId: theirs.workspace.id, bytes: Buffer.from('x'), mime: 'text/plain', filename: 'x.txt' })
    // The CRM's and the bots' APIs (/api/v1/crm/…, /api/v1/bots/…) on in both, with their tag, segment, import and flow, and tokens of mine that may use them.
    for (const side of [mine, theirs]) for (const plugin of ['crm', 'bots']) await pluginEnablement.enable(side.workspace, plugin, side.user.id)
    const pluginTokens: Record<string, string> = {
      crm: (await issueApiToken(mine.user, mine.workspace, 'crm', ['crm.view', 'crm.edit', 'crm.manage', 'crm.delete', 'crm.import'])).secret,
      bots: (await issueApiToken(mine.user, mine.workspace, 'bots', ['bots.view', 'bots.manage'])).secret,
    }
    const now = new Date()
    const [flow] = await db.table('bot_flows').insert({ workspace_id: theirs.workspace.id, name: 'Welcome', trigger: JSON.stringify({ type: 'keyword', keywords: ['hi'] }), created_at: now, updated_at: now }).returning('id')
    const [tag] = await db.table('crm_tags').insert({ workspace_id: theirs.workspace.id, name: 'VIP', color: '#cc0000', created_at: now, updated_at: now }).returning('id')
    const [segment] = await db.table('crm_segments').insert({ workspace_id: theirs.workspace.id, name: 'All', filter: JSON.stringify({ match: 'all', rules: [] }), created_at: now, updated_at: now }).returning('id')
    const [contactImport] = await db
      .table('crm_imports')
      .insert({ workspace_id: theirs.workspace.id, status: 'done', filename: 'a.csv', path: 'x', format: 'csv', headers: '[]', created_at: now, updated_at: now })
      .returning('id')
    // Every /api/v1 route with an :id, generated from the router: a route added later is covered too.
    const ids: Record<string, number> = { channels: channel.id, contacts: contact.id, conversations: conversation.id, media: media.id, tags: tag.id, segments: segment.id, imports: contactImport.id, flows: flow.id }
    router.commit()
    const routes = Object.values(router.toJSON() as Record<string, { pattern: string; methods: string[] }[]>)
      .flat()
      .filter((route) => route.pattern.startsWith('/api/v1/') && route.pattern.includes('/:id'))
    assert.isAtLeast(routes.length, 12)
    for (const route of routes) {
      // A plugin's routes sit under its name (/api/v1/crm/contacts/:id): the resource is the segment before the id.
      const segments = route.pattern.split('/')
      const resource = segments[segments.indexOf(':id') - 1]
      assert.property(ids, resource, `a record of "${resource}" for ${route.pattern}`)
      const url = route.pattern.replace(':id', String(ids[resource])).replace(':tagId', String(tag.id))
      const token = pluginTokens[route.pattern.split('/')[3]] ?? mine.token
      for (const method of route.methods.filter((m) => m !== 'HEAD')) {
        const response = await client.request(url, method as any).bearerToken(token).json({})
        assert.equal(response.status(), 404, `${method} ${url}`)
        // Ids no row can have are 404 too, never a database error.
        for (const bad of ['99999999999999999999', 'abc']) {
          const odd = await client.request(route.pattern.replace(':id', bad).replace(':tagId', '1'), method as any).bearerToken(token).json({})
          assert.equal(odd.status(), 404, `${method} ${route.pattern} with id ${bad}`)
        }
      }
    }
    const foreign = await client.post('/api/v1/messages').bearerToken(mine.token).json({ channelId: channel.id, to: '+79001112233', type: 'text', text: { body: 'hi' } })
    foreign.assertStatus(422)
    assert.equal(foreign.body().errors[0].field, 'channelId')
    assert.lengthOf((await client.get('/api/v1/channels').bearerToken(mine.token)).body().data, 0)

    const viewer = await addMember(mine.workspace, 'viewer')
    const { secret } = await issueApiToken(viewer, mine.workspace, 'viewer', ['messaging.view', 'messaging.send', 'messaging.channels.manage'])
    ;(await client.get('/api/v1/channels').bearerToken(secret)).assertStatus(200)
    ;(await client.post('/api/v1/channels').bearerToken(secret).json(cloud)).assertStatus(403)
    ;(await client.post('/api/v1/contacts').bearerToken(secret).json({ phone: '+79001112299' })).assertStatus(403)
  })
})
