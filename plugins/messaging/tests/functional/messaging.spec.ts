import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { pluginEnablement } from '#plugins/enablement'
import { workspaceWithMember } from '#database/factories/index'
import Channel from '#messaging/models/channel'
import Contact from '#messaging/models/contact'
import Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'

async function channelIn(workspaceId: number, name = 'Support line') {
  return Channel.create({
    workspaceId,
    provider: 'whatsapp-cloud',
    name,
    displayPhone: '+79001234567',
    providerIds: { phoneNumberId: '1234567890', wabaId: '555' },
    credentials: { accessToken: 'EAAG-secret-token', appSecret: 'app-secret-value' },
    throughputPerSecond: 80,
  })
}

test.group('messaging: channels', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('credentials are encrypted at rest and never serialized', async ({ assert }) => {
    const { workspace } = await workspaceWithMember('owner')
    const channel = await channelIn(workspace.id)

    const raw = await db.from('channels').where('id', channel.id).firstOrFail()
    assert.notInclude(raw.credentials, 'EAAG-secret-token')
    assert.notInclude(raw.credentials, 'app-secret-value')

    const reloaded = await Channel.findOrFail(channel.id)
    assert.deepEqual(reloaded.credentials, { accessToken: 'EAAG-secret-token', appSecret: 'app-secret-value' })
    assert.notProperty(reloaded.serialize(), 'credentials')
  })

  test('the channels page lists this workspace’s channels only, where messaging is on', async ({ client, assert }) => {
    const a = await workspaceWithMember('agent')
    const b = await workspaceWithMember('agent')
    await pluginEnablement.enable(a.workspace, 'messaging', a.user.id)
    await pluginEnablement.enable(b.workspace, 'messaging', b.user.id)
    await channelIn(a.workspace.id, 'Alpha line')
    await channelIn(b.workspace.id, 'Beta line')

    const page = await client.get(`/w/${a.workspace.slug}/messaging`).loginAs(a.user)
    page.assertStatus(200)
    assert.include(page.text(), 'Alpha line')
    assert.notInclude(page.text(), 'Beta line')

    const c = await workspaceWithMember('agent')
    const off = await client.get(`/w/${c.workspace.slug}/messaging`).loginAs(c.user)
    off.assertStatus(404)
  })
})

test.group('messaging: contacts, conversations, messages', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a phone number is one contact per workspace', async ({ assert }) => {
    const a = await workspaceWithMember('owner')
    const b = await workspaceWithMember('owner')
    await Contact.create({ workspaceId: a.workspace.id, phone: '+79001234567', optInStatus: 'unknown', blocked: false, attributes: {} })
    await Contact.create({ workspaceId: b.workspace.id, phone: '+79001234567', optInStatus: 'unknown', blocked: false, attributes: {} })
    const duplicate = Contact.create({ workspaceId: a.workspace.id, phone: '+79001234567', optInStatus: 'unknown', blocked: false, attributes: {} })
    await assert.rejects(() => duplicate)
  })

  test('a provider message id is stored once per channel, and statuses only move forward', async ({ assert }) => {
    const { workspace } = await workspaceWithMember('owner')
    const channel = await channelIn(workspace.id)
    const contact = await Contact.create({ workspaceId: workspace.id, phone: '+79001234567', optInStatus: 'opted_in', blocked: false, attributes: {} })
    const conversation = await Conversation.create({
      workspaceId: workspace.id,
      contactId: contact.id,
      channelId: channel.id,
      status: 'open',
      lastActivityAt: DateTime.now(),
      unreadCount: 0,
      windowExpiresAt: DateTime.now().plus({ hours: 24 }),
    })
    assert.isTrue(conversation.windowOpen)

    const fields = {
      workspaceId: workspace.id,
      conversationId: conversation.id,
      channelId: channel.id,
      direction: 'outbound' as const,
      type: 'text' as const,
      content: { body: 'Hello' },
      providerMessageId: 'wamid.ABC',
      status: 'sent' as const,
      authorType: 'agent' as const,
    }
    const message = await Message.create(fields)
    await assert.rejects(() => Message.create(fields), /duplicate key|unique/i)

    assert.isTrue(message.advancesTo('delivered'))
    assert.isTrue(message.advancesTo('read'))
    assert.isFalse(message.advancesTo('sent'))
    message.status = 'read'
    assert.isFalse(message.advancesTo('delivered'), 'a late "delivered" does not undo "read"')
    assert.isFalse(message.advancesTo('failed'))
  })
})
