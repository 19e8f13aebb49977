import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import redis from '@adonisjs/redis/services/main'
import transmit from '@adonisjs/transmit/services/main'
import { addMember } from '#database/factories/index'
import { PRESENCE_WINDOW_MS, presenceOf, preferencesOf } from '#inbox/services/presence'
import { conversationIn, inboxWorkspace, messageIn } from '#inbox/tests/support'

test.group('Inbox: presence', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a page that pings keeps its agent online; away is their switch; a minute without a ping is offline', async ({ client, assert }) => {
    const { workspace, user: agent, channel, base } = await inboxWorkspace('agent')
    const colleague = await addMember(workspace, 'agent')
    await redis.del(`inbox:online:${workspace.id}`)
    assert.equal((await presenceOf(workspace.id, [agent.id])).get(agent.id), 'offline')

    // Every page of the workspace pings from the user menu.
    const dashboard = await client.get(`/w/${workspace.slug}`).loginAs(agent)
    assert.include(dashboard.text(), 'data-presence-slot')
    const pinged = await client.post(`${base}/presence`).header('hx-request', 'true').loginAs(agent).withCsrfToken()
    pinged.assertStatus(200)
    assert.include(pinged.text(), 'data-presence-self="online"')
    assert.include(pinged.text(), 'data-inbox-sound="on"')
    assert.equal((await presenceOf(workspace.id, [agent.id])).get(agent.id), 'online')

    const away = await client.post(`${base}/presence/preferences`).form({ away: 'true' }).header('hx-request', 'true').loginAs(agent).withCsrfToken()
    away.assertStatus(200)
    assert.include(away.text(), 'data-presence-self="away"')
    assert.equal((await presenceOf(workspace.id, [agent.id])).get(agent.id), 'away')
    ;(await client.post(`${base}/presence/preferences`).form({ away: 'false', sound: 'false' }).loginAs(agent).withCsrfToken()).assertStatus(200)
    assert.deepEqual(await preferencesOf(agent.id), { away: false, sound: false })
    ;(await client.post(`${base}/presence/preferences`).form({ away: 'maybe' }).header('accept', 'application/json').loginAs(agent).withCsrfToken()).assertStatus(422)

    // The header's assign menu shows each agent's presence.
    const { conversation } = await conversationIn(channel)
    const header = await client.get(`${base}/conversations/${conversation.id}/header`).header('hx-request', 'true').loginAs(colleague)
    assert.match(header.text(), new RegExp(`data-assign="${agent.id}"[^>]*>\\s*<span[^>]*data-presence="online"`))

    // The last ping a minute ago: offline.
    await redis.zadd(`inbox:online:${workspace.id}`, Date.now() - PRESENCE_WINDOW_MS - 1000, String(agent.id))
    assert.equal((await presenceOf(workspace.id, [agent.id])).get(agent.id), 'offline')
  })

  test('a viewer has no presence switch (403); the ping is the workspace’s own', async ({ client, assert }) => {
    const { workspace, base } = await inboxWorkspace('owner')
    const viewer = await addMember(workspace, 'viewer')
    const page = await client.get(`/w/${workspace.slug}`).loginAs(viewer)
    assert.notInclude(page.text(), 'data-presence-slot')
    ;(await client.post(`${base}/presence`).loginAs(viewer).withCsrfToken()).assertStatus(403)
    const other = await inboxWorkspace('owner')
    ;(await client.post(`${other.base}/presence`).loginAs(viewer).withCsrfToken()).assertStatus(404)
  })
})

test.group('Inbox: who else is here', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('viewing and typing are shared with the others, broadcast when they change, and gone when the agent leaves', async ({ client, assert, cleanup }) => {
    const { workspace, user: anna, channel, base } = await inboxWorkspace('agent')
    await anna.merge({ fullName: 'Anna Agent' }).save()
    const boris = await addMember(workspace, 'agent')
    await boris.merge({ fullName: 'Boris Bauer' }).save()
    const { conversation } = await conversationIn(channel)
    await redis.del(`inbox:viewing:${workspace.id}:${conversation.id}`, `inbox:agent-typing:${workspace.id}:${conversation.id}`)
    const broadcasts: { channel: string; payload: any }[] = []
    const original = transmit.broadcast.bind(transmit)
    transmit.broadcast = (name: string, payload: any) => void broadcasts.push({ channel: name, payload })
    cleanup(() => void (transmit.broadcast = original))
    const url = `${base}/conversations/${conversation.id}/viewers`
    const say = (user: typeof anna, body: Record<string, unknown> = {}) => client.post(url).json(body).loginAs(user).withCsrfToken()

    const page = await client.get(`${base}/conversations/${conversation.id}`).loginAs(anna)
    assert.include(page.text(), `data-channel="workspaces/${workspace.id}/inbox/viewers/${conversation.id}"`)

    assert.deepEqual((await say(anna)).body().viewers, [{ id: anna.id, name: 'Anna Agent', typing: false }])
    const both = await say(boris, { typing: true })
    assert.deepEqual(both.body().viewers, [
      { id: anna.id, name: 'Anna Agent', typing: false },
      { id: boris.id, name: 'Boris Bauer', typing: true },
    ])
    // Staying, and typing on, change nothing: no broadcast.
    await say(anna)
    await say(boris, { typing: true })
    await say(boris, { left: true })
    assert.deepEqual((await say(anna)).body().viewers, [{ id: anna.id, name: 'Anna Agent', typing: false }])

    const channelName = `workspaces/${workspace.id}/inbox/viewers/${conversation.id}`
    assert.isTrue(broadcasts.every((broadcast) => broadcast.channel === channelName))
    assert.deepEqual(
      broadcasts.map((broadcast) => broadcast.payload.viewers.map((viewer: any) => `${viewer.name}${viewer.typing ? ' (typing)' : ''}`)),
      [['Anna Agent'], ['Anna Agent', 'Boris Bauer (typing)'], ['Anna Agent']]
    )

    ;(await client.post(url).json({ typing: 'often' }).header('accept', 'application/json').loginAs(anna).withCsrfToken()).assertStatus(422)
    const other = await inboxWorkspace('owner')
    ;(await client.post(`${other.base}/conversations/${conversation.id}/viewers`).json({}).loginAs(other.user).withCsrfToken()).assertStatus(404)
  })
})

test.group('Inbox: alerts', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a customer’s message alerts the agent it is assigned to, and everyone while unassigned; not others, not for our own', async ({ client, assert }) => {
    const { workspace, user: anna, channel, base } = await inboxWorkspace('agent')
    const boris = await addMember(workspace, 'agent')
    const { conversation } = await conversationIn(channel, { name: 'Jürgen' })
    const inbound = await messageIn(conversation, { content: { body: 'Wo ist mein Paket?' } })
    const outbound = await messageIn(conversation, { direction: 'outbound', content: { body: 'Unterwegs' } })
    const alert = (user: typeof anna, id = inbound.id) => client.get(`${base}/conversations/${conversation.id}/messages/${id}/alert`).loginAs(user)

    const unassigned = await alert(boris)
    unassigned.assertStatus(200)
    assert.deepEqual(unassigned.body(), { alert: true, title: 'Jürgen', body: 'Wo ist mein Paket?', url: `${base}/conversations/${conversation.id}` })
    await conversation.merge({ assigneeId: anna.id }).save()
    assert.isTrue((await alert(anna)).body().alert)
    assert.isFalse((await alert(boris)).body().alert)
    assert.isFalse((await alert(anna, outbound.id)).body().alert)

    const other = await inboxWorkspace('owner')
    ;(await client.get(`${other.base}/conversations/${conversation.id}/messages/${inbound.id}/alert`).loginAs(other.user)).assertStatus(404)
    const { conversation: elsewhere } = await conversationIn(channel)
    ;(await client.get(`${base}/conversations/${elsewhere.id}/messages/${inbound.id}/alert`).loginAs(anna)).assertStatus(404)
  })
})
