import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import transmit from '@adonisjs/transmit/services/main'
import { hooks } from '#hooks/bus'
import { addMember, workspaceWithMember } from '#database/factories/index'
import { conversationIn, inboxWorkspace, messageIn } from '#inbox/tests/support'

/**
 * What live inboxes rest on: who may listen to a workspace's inbox channel, what the taps
 * broadcast (ids only), and the partials a browser fetches for an event (row, message, header).
 */
test.group('Inbox: live updates', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  const subscribe = (client: any, user: any, workspaceId: number) =>
    client.post('/__transmit/subscribe').json({ uid: `inbox-${workspaceId}-${user.id}`, channel: `workspaces/${workspaceId}/inbox/live` }).loginAs(user)

  test('only members of a workspace where the inbox is on may listen to its inbox channel', async ({ client }) => {
    const { workspace, user: viewer } = await inboxWorkspace('viewer')
    const other = await workspaceWithMember('owner')
    ;(await subscribe(client, viewer, workspace.id)).assertStatus(204)
    ;(await subscribe(client, other.user, workspace.id)).assertStatus(400) // another workspace's member
    ;(await subscribe(client, other.user, other.workspace.id)).assertStatus(400) // the inbox is off there
  })

  test('the taps broadcast which conversation and message changed, on the workspace’s channel only', async ({ assert, cleanup }) => {
    const { workspace, channel } = await inboxWorkspace()
    const { conversation, contact } = await conversationIn(channel)
    const broadcasts: { channel: string; payload: unknown }[] = []
    const original = transmit.broadcast.bind(transmit)
    transmit.broadcast = (name: string, payload: any) => void broadcasts.push({ channel: name, payload })
    cleanup(() => void (transmit.broadcast = original))

    const ids = { workspaceId: workspace.id, conversationId: conversation.id }
    await hooks.emit('message.received', { ...ids, messageId: 7, contactId: contact.id, channelId: channel.id, type: 'text' })
    await hooks.emit('message.statusChanged', { ...ids, messageId: 8, status: 'read', errorCode: null, errorReason: null })
    await hooks.emit('conversation.assigned', { ...ids, assigneeId: null, previousAssigneeId: 3, teamId: null, previousTeamId: null, actorId: 3 })
    // Where the inbox is off, nothing goes out.
    const off = await workspaceWithMember('owner')
    await hooks.emit('conversation.assigned', { workspaceId: off.workspace.id, conversationId: 1, assigneeId: null, previousAssigneeId: 3, teamId: null, previousTeamId: null, actorId: 3 })

    const live = `workspaces/${workspace.id}/inbox/live`
    assert.deepEqual(broadcasts, [
      { channel: live, payload: { conversationId: conversation.id, messageId: 7, inbound: true } },
      { channel: live, payload: { conversationId: conversation.id, messageId: 8 } },
      { channel: live, payload: { conversationId: conversation.id } },
    ])
  })

  test('a row as the filtered list shows it, or nothing once the filters leave it out; the unread count rides along', async ({ client, assert }) => {
    const { user, channel, base, workspace } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel, { name: 'Row Person', unread: 2, texts: ['Where is my parcel?'] })
    await conversationIn(channel, { unread: 1 })

    const row = await client.get(`${base}/conversations/${conversation.id}/row?view=all&status=open&current=true`).header('hx-request', 'true').loginAs(user)
    row.assertStatus(200)
    assert.match(row.text(), new RegExp(`^\\s*<li id="conversation-${conversation.id}" data-row="${conversation.id}" data-position="\\d+-${conversation.id}">`))
    assert.include(row.text(), 'Where is my parcel?')
    assert.include(row.text(), 'data-unread="2"')
    assert.include(row.text(), 'aria-current="page"')
    assert.equal(row.header('x-inbox-unread'), '2')

    const mine = await client.get(`${base}/conversations/${conversation.id}/row?view=mine`).header('hx-request', 'true').loginAs(user)
    mine.assertStatus(204) // not assigned to them: not in "mine"
    assert.equal(mine.header('x-inbox-unread'), '2', 'two conversations have unread messages')

    const other = await workspaceWithMember('owner')
    const foreign = await client.get(`${base}/conversations/${conversation.id}/row`).loginAs(other.user)
    foreign.assertStatus(404)
    const colleague = await addMember(workspace, 'viewer')
    ;(await client.get(`${base}/conversations/${conversation.id}/row?status=nope`).header('hx-request', 'true').loginAs(colleague)).assertStatus(422)
  })

  test('one message as the thread shows it (a reaction comes back as its message with the emoji); another conversation’s is a 404', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel)
    const ours = await messageIn(conversation, { direction: 'outbound', content: { body: 'Your parcel left.' }, status: 'delivered' })
    const reaction = await messageIn(conversation, { type: 'reaction', content: { emoji: '👍' }, replyToId: ours.id })
    const elsewhere = await conversationIn(channel)
    const foreign = await messageIn(elsewhere.conversation, { content: { body: 'Not here' } })

    const message = await client.get(`${base}/conversations/${conversation.id}/messages/${ours.id}`).header('hx-request', 'true').loginAs(user)
    message.assertStatus(200)
    assert.match(message.text(), new RegExp(`<li [^>]*id="message-${ours.id}" data-message="${ours.id}" data-type="text" data-rank="2"`))
    assert.include(message.text(), 'data-tick="delivered"')

    const reacted = await client.get(`${base}/conversations/${conversation.id}/messages/${reaction.id}`).header('hx-request', 'true').loginAs(user)
    assert.include(reacted.text(), `id="message-${ours.id}"`)
    assert.match(reacted.text(), /data-reactions>\s*👍/)

    ;(await client.get(`${base}/conversations/${conversation.id}/messages/${foreign.id}`).loginAs(user)).assertStatus(404)
  })

  test('the header as it is now (after someone else assigned it)', async ({ client, assert }) => {
    const { user, channel, base, workspace } = await inboxWorkspace('agent')
    const colleague = await addMember(workspace, 'agent')
    await colleague.merge({ fullName: 'Bea Colleague' }).save()
    const { conversation } = await conversationIn(channel, { assigneeId: colleague.id })
    const header = await client.get(`${base}/conversations/${conversation.id}/header`).header('hx-request', 'true').loginAs(user)
    header.assertStatus(200)
    assert.match(header.text(), /^\s*<div id="conversation-header"/)
    assert.include(header.text(), 'Assigned to Bea Colleague')
  })
})
