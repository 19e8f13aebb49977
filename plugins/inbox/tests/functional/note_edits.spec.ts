import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import transmit from '@adonisjs/transmit/services/main'
import { addMember } from '#database/factories/index'
import Notification from '#notifications/notification'
import Note from '#inbox/models/note'
import { conversationIn, inboxWorkspace } from '#inbox/tests/support'

/** Editing and deleting internal notes: the author, or an owner or admin; live in every open thread. */
test.group('Inbox: editing and deleting notes', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  /** Every broadcast while the test runs (transmit's own is put back after). */
  function recordBroadcasts(cleanup: (fn: () => void) => void) {
    const broadcasts: { channel: string; payload: any }[] = []
    const original = transmit.broadcast.bind(transmit)
    transmit.broadcast = (name: string, payload: any) => void broadcasts.push({ channel: name, payload })
    cleanup(() => void (transmit.broadcast = original))
    return broadcasts
  }

  test('its author edits a note in place: the form, then the note marked edited; new mentions are notified, old ones not again; live', async ({ client, assert, cleanup }) => {
    const { workspace, user: author, channel, base } = await inboxWorkspace('agent')
    await author.merge({ fullName: 'Ada Agent' }).save()
    const bob = await addMember(workspace, 'agent')
    await bob.merge({ fullName: 'Bob' }).save()
    const cleo = await addMember(workspace, 'agent')
    await cleo.merge({ fullName: 'Cleo' }).save()
    const { conversation } = await conversationIn(channel)
    const url = `${base}/conversations/${conversation.id}/notes`
    const created = await client.post(url).form({ body: `Ask @[Bob](${bob.id})` }).header('hx-request', 'true').loginAs(author).withCsrfToken()
    created.assertStatus(200)
    const note = await Note.query().where('conversation_id', conversation.id).firstOrFail()
    assert.include(created.text(), 'data-testid="note-edit"', 'the author sees edit and delete')
    const broadcasts = recordBroadcasts(cleanup)

    const form = await client.get(`${url}/${note.id}/edit`).header('hx-request', 'true').loginAs(author)
    form.assertStatus(200)
    assert.match(form.text(), new RegExp(`^\\s*<li class="flex justify-center" id="note-${note.id}"`))
    assert.include(form.text(), `Ask @[Bob](${bob.id})</textarea>`)

    const saved = await client.put(`${url}/${note.id}`).form({ body: `Ask @[Bob](${bob.id}) and @[Cleo](${cleo.id})` }).header('hx-request', 'true').loginAs(author).withCsrfToken()
    saved.assertStatus(200)
    assert.include(saved.text(), 'data-testid="note-edited"')
    assert.include(saved.text(), `data-mention="${cleo.id}">@Cleo</span>`)
    await note.refresh()
    assert.sameMembers(note.mentions, [bob.id, cleo.id])
    assert.isNotNull(note.editedAt)
    assert.match(saved.text(), new RegExp(`data-version="${note.editedAt!.toMillis()}"`))
    assert.equal(await Notification.query().where('user_id', bob.id).count('* as n').then((rows) => Number(rows[0].$extras.n)), 1, 'Bob heard once')
    assert.equal(await Notification.query().where('user_id', cleo.id).count('* as n').then((rows) => Number(rows[0].$extras.n)), 1, 'Cleo heard of it now')
    assert.deepInclude(broadcasts, { channel: `workspaces/${workspace.id}/inbox/live`, payload: { conversationId: conversation.id, noteId: note.id } })

    const empty = await client.put(`${url}/${note.id}`).form({ body: ' ' }).header('hx-request', 'true').loginAs(author).withCsrfToken()
    empty.assertStatus(422)
    assert.equal(empty.body().errors[0].field, 'body')
  })

  test('deleting a note: 204, then 404 for everyone who fetches it; live', async ({ client, assert, cleanup }) => {
    const { workspace, user: author, channel, base } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel)
    const note = await Note.create({ workspaceId: workspace.id, conversationId: conversation.id, authorId: author.id, body: 'Wrong customer, sorry', mentions: [] })
    const broadcasts = recordBroadcasts(cleanup)
    const url = `${base}/conversations/${conversation.id}/notes/${note.id}`

    const deleted = await client.delete(url).header('hx-request', 'true').loginAs(author).withCsrfToken()
    deleted.assertStatus(204)
    assert.isNull(await Note.find(note.id))
    ;(await client.get(url).header('hx-request', 'true').loginAs(author)).assertStatus(404)
    assert.deepInclude(broadcasts, { channel: `workspaces/${workspace.id}/inbox/live`, payload: { conversationId: conversation.id, noteId: note.id } })
    assert.notInclude((await client.get(`${base}/conversations/${conversation.id}`).loginAs(author)).text(), 'Wrong customer')
  })

  test('another agent may not change a note (403, no controls); an admin may; another workspace is a 404', async ({ client, assert }) => {
    const { workspace, user: author, channel, base } = await inboxWorkspace('agent')
    const colleague = await addMember(workspace, 'agent')
    const admin = await addMember(workspace, 'admin')
    const { conversation } = await conversationIn(channel)
    const note = await Note.create({ workspaceId: workspace.id, conversationId: conversation.id, authorId: author.id, body: 'Mine', mentions: [] })
    const url = `${base}/conversations/${conversation.id}/notes/${note.id}`

    assert.notInclude((await client.get(url).header('hx-request', 'true').loginAs(colleague)).text(), 'data-testid="note-edit"')
    ;(await client.get(`${url}/edit`).header('hx-request', 'true').loginAs(colleague)).assertStatus(403)
    ;(await client.put(url).form({ body: 'Theirs' }).header('hx-request', 'true').loginAs(colleague).withCsrfToken()).assertStatus(403)
    ;(await client.delete(url).header('hx-request', 'true').loginAs(colleague).withCsrfToken()).assertStatus(403)
    await note.refresh()
    assert.equal(note.body, 'Mine')

    const other = await inboxWorkspace('owner')
    ;(await client.delete(`${other.base}/conversations/${conversation.id}/notes/${note.id}`).header('hx-request', 'true').loginAs(other.user).withCsrfToken()).assertStatus(404)
    const { conversation: elsewhere } = await conversationIn(channel)
    ;(await client.delete(`${base}/conversations/${elsewhere.id}/notes/${note.id}`).header('hx-request', 'true').loginAs(admin).withCsrfToken()).assertStatus(404)

    assert.include((await client.get(url).header('hx-request', 'true').loginAs(admin)).text(), 'data-testid="note-edit"')
    ;(await client.put(url).form({ body: 'Tidied by an admin' }).header('hx-request', 'true').loginAs(admin).withCsrfToken()).assertStatus(200)
    ;(await client.delete(url).header('hx-request', 'true').loginAs(admin).withCsrfToken()).assertStatus(204)
    assert.isNull(await Note.find(note.id))
  })
})
