import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import transmit from '@adonisjs/transmit/services/main'
import db from '@adonisjs/lucid/services/db'
import { addMember, workspaceWithMember } from '#database/factories/index'
import Notification from '#notifications/notification'
import Note from '#inbox/models/note'
import { jobsIdle, until, useSimulatorAndWorkers } from '#messaging/tests/support'
import { conversationIn, customerWrote, inboxWorkspace } from '#inbox/tests/support'

/** Internal notes: stored by the inbox, shown in the thread, mentions notified, never sent. */
test.group('Inbox: notes', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a note is stored, comes back for the thread, and shows among the messages by time', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace('agent')
    await user.merge({ fullName: 'Ada Agent' }).save()
    const { conversation } = await conversationIn(channel, { texts: ['Where is my parcel?'] })
    const url = `${base}/conversations/${conversation.id}`

    const response = await client.post(`${url}/notes`).form({ body: 'Checked <b>DHL</b>: https://track.test/1' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    response.assertStatus(200)
    const html = response.text()
    assert.notInclude(html, '<html')
    const note = await Note.query().where('conversation_id', conversation.id).firstOrFail()
    assert.equal(note.authorId, user.id)
    assert.equal(note.body, 'Checked <b>DHL</b>: https://track.test/1')
    assert.match(html, new RegExp(`^\\s*<li class="flex justify-center" id="note-${note.id}" data-note="${note.id}"`))
    assert.include(html, 'Ada Agent')
    assert.include(html, 'Checked &lt;b&gt;DHL&lt;/b&gt;: <a href="https://track.test/1"')

    const plain = await client.post(`${url}/notes`).form({ body: 'Second note' }).loginAs(user).withCsrfToken().redirects(0)
    plain.assertStatus(302)
    assert.equal(plain.header('location'), url)

    const page = (await client.get(url).loginAs(user)).text()
    assert.match(page, /Where is my parcel\?[\s\S]*?data-note="\d+"[\s\S]*?Checked &lt;b&gt;DHL[\s\S]*?Note<\/span>[\s\S]*?Second note/)
    const fetched = await client.get(`${url}/notes/${note.id}`).header('hx-request', 'true').loginAs(user)
    fetched.assertStatus(200)
    assert.include(fetched.text(), `id="note-${note.id}"`)
  })

  test('a viewer may read notes but not write one (403); another workspace’s conversation is a 404', async ({ client, assert }) => {
    const { user: viewer, channel, base, workspace } = await inboxWorkspace('viewer')
    const { conversation } = await conversationIn(channel)
    const refused = await client.post(`${base}/conversations/${conversation.id}/notes`).form({ body: 'Hi' }).header('hx-request', 'true').loginAs(viewer).withCsrfToken()
    refused.assertStatus(403)

    const other = await inboxWorkspace('agent')
    const foreign = await client.post(`${other.base}/conversations/${conversation.id}/notes`).form({ body: 'Hi' }).header('hx-request', 'true').loginAs(other.user).withCsrfToken()
    foreign.assertStatus(404)
    const agent = await addMember(workspace, 'agent')
    await Note.create({ workspaceId: workspace.id, conversationId: conversation.id, authorId: agent.id, body: 'For the team', mentions: [] })
    const page = await client.get(`${base}/conversations/${conversation.id}`).loginAs(viewer)
    assert.include(page.text(), 'For the team')
    assert.equal(Number((await db.from('inbox_notes').count('* as n'))[0].n), 1)
  })

  test('an empty note is a 422 naming the field', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel)
    const empty = await client.post(`${base}/conversations/${conversation.id}/notes`).form({ body: '   ' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    empty.assertStatus(422)
    assert.equal(empty.body().errors[0].field, 'body')
    assert.include(empty.body().errors[0].message, 'Note')
    assert.equal(Number((await db.from('inbox_notes').count('* as n'))[0].n), 0)
  })

  test('a mention notifies the mentioned member, linking to the conversation; not the author, not a non-member', async ({ client, assert, cleanup }) => {
    const { user: author, channel, base, workspace } = await inboxWorkspace('agent')
    await author.merge({ fullName: 'Ada Agent' }).save()
    const colleague = await addMember(workspace, 'viewer')
    await colleague.merge({ fullName: 'Bob Viewer', locale: 'ru' }).save()
    const outsider = (await workspaceWithMember('owner')).user
    const { conversation } = await conversationIn(channel)
    const broadcasts: { channel: string; payload: any }[] = []
    const original = transmit.broadcast.bind(transmit)
    transmit.broadcast = (name: string, payload: any) => void broadcasts.push({ channel: name, payload })
    cleanup(() => void (transmit.broadcast = original))

    const body = `@[Bob Viewer](${colleague.id}) please check, @[Ada Agent](${author.id}) and @[Eve](${outsider.id})`
    const response = await client.post(`${base}/conversations/${conversation.id}/notes`).form({ body }).header('hx-request', 'true').loginAs(author).withCsrfToken()
    response.assertStatus(200)
    assert.include(response.text(), `data-mention="${colleague.id}">@Bob Viewer</span>`)
    assert.notInclude(response.text(), `data-mention="${outsider.id}"`, 'a non-member is plain text')
    assert.include(response.text(), '@Eve')

    const note = await Note.query().where('conversation_id', conversation.id).firstOrFail()
    assert.sameMembers(note.mentions, [colleague.id, author.id])
    const notifications = await Notification.query().whereIn('user_id', [colleague.id, author.id, outsider.id])
    assert.lengthOf(notifications, 1)
    assert.equal(notifications[0].userId, colleague.id)
    assert.equal(notifications[0].workspaceId, workspace.id)
    assert.equal(notifications[0].title, 'Ada Agent упомянул(а) вас в заметке')
    assert.equal(notifications[0].body, '@Bob Viewer please check, @Ada Agent and @Eve')
    assert.equal(notifications[0].url, `${base}/conversations/${conversation.id}`)

    // The bell of the one mentioned, and every open inbox of the workspace (ids only).
    assert.isTrue(broadcasts.some((b) => b.channel === `users/${colleague.id}` && b.payload.type === 'notification'))
    assert.deepInclude(broadcasts, { channel: `workspaces/${workspace.id}/inbox/live`, payload: { conversationId: conversation.id, noteId: note.id } })
  })
})

test.group('Inbox: notes stay inside', (group) => {
  const rig = useSimulatorAndWorkers(group, { seed: 12, workers: 2 })

  test('a note never reaches WhatsApp', async ({ client, assert }) => {
    const { user, phoneNumberId, base } = await customerWrote(client, rig.simulator)
    const messages = () => rig.simulator.received(phoneNumberId).filter((request) => request.kind === 'message')

    const response = await client.post(`${base}/notes`).form({ body: 'Customer sounds upset, careful' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    response.assertStatus(200)
    await until(() => jobsIdle(), 'the queues to be idle')
    await rig.simulator.settle()

    assert.lengthOf(messages(), 0)
    assert.equal(Number((await db.from('messages').where('direction', 'outbound').count('* as n'))[0].n), 0)
    assert.equal(Number((await db.from('inbox_notes').count('* as n'))[0].n), 1)
  })
})
