import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { addMember } from '#database/factories/index'
import Contact from '#messaging/models/contact'
import QuickReply from '#inbox/models/quick_reply'
import { conversationIn, inboxWorkspace } from '#inbox/tests/support'

/** Quick replies: managed in settings by owners and admins, offered to agents on "/" with their variables filled. */
test.group('Inbox: quick replies', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an admin creates, finds, changes and deletes a quick reply; the settings menu links to them', async ({ client, assert }) => {
    const { workspace, base } = await inboxWorkspace()
    const admin = await addMember(workspace, 'admin')

    const dashboard = await client.get(`/w/${workspace.slug}`).loginAs(admin)
    assert.include(dashboard.text(), `href="${base}/quick-replies"`)

    const created = await client.post(`${base}/quick-replies`).form({ shortcut: ' Hello ', body: 'Hi {{contact.first_name}}, how can I help?' }).loginAs(admin).withCsrfToken().redirects(0)
    created.assertStatus(302)
    assert.equal(created.header('location'), `${base}/quick-replies`)
    const reply = await QuickReply.query().where('workspace_id', workspace.id).firstOrFail()
    assert.equal(reply.shortcut, 'hello', 'stored lower-case, trimmed')

    await QuickReply.create({ workspaceId: workspace.id, shortcut: 'thanks', body: 'Thank you for waiting!' })
    const list = await client.get(`${base}/quick-replies`).loginAs(admin)
    list.assertStatus(200)
    assert.include(list.text(), '/hello')
    assert.include(list.text(), 'Hi {{contact.first_name}}, how can I help?')
    // The search box (HTMX) gets the table only, matching the shortcut or the text.
    const found = await client.get(`${base}/quick-replies`).qs({ q: 'waiting' }).header('hx-request', 'true').loginAs(admin)
    assert.notInclude(found.text(), '<html')
    assert.include(found.text(), '/thanks')
    assert.notInclude(found.text(), '/hello')
    const nothing = await client.get(`${base}/quick-replies`).qs({ q: '100%' }).header('hx-request', 'true').loginAs(admin)
    assert.include(nothing.text(), 'No quick reply matches “100%”.')

    const form = await client.get(`${base}/quick-replies/${reply.id}/edit`).loginAs(admin)
    assert.include(form.text(), 'value="hello"')
    assert.include(form.text(), '{{agent.name}}', 'the form lists the variables')
    const updated = await client.put(`${base}/quick-replies/${reply.id}`).form({ shortcut: 'hi', body: 'Hello!' }).loginAs(admin).withCsrfToken().redirects(0)
    updated.assertStatus(302)
    await reply.refresh()
    assert.deepEqual([reply.shortcut, reply.body], ['hi', 'Hello!'])

    const deleted = await client.delete(`${base}/quick-replies/${reply.id}`).loginAs(admin).withCsrfToken().redirects(0)
    deleted.assertStatus(302)
    assert.isNull(await QuickReply.find(reply.id))
  })

  test('a shortcut is unique in its workspace (whatever its case), well formed, and a text has at most 4096 characters (422)', async ({ client, assert }) => {
    const { workspace, user, base } = await inboxWorkspace()
    const other = await inboxWorkspace()
    await QuickReply.create({ workspaceId: workspace.id, shortcut: 'hello', body: 'Hi' })
    await QuickReply.create({ workspaceId: workspace.id, shortcut: 'bye', body: 'Bye' })
    const post = (form: Record<string, string>, as = user, url = `${base}/quick-replies`) => client.post(url).form(form).header('hx-request', 'true').loginAs(as).withCsrfToken()

    const taken = await post({ shortcut: 'HELLO', body: 'Again' })
    taken.assertStatus(422)
    assert.deepEqual(taken.body().errors.map((e: any) => e.field), ['shortcut'])
    const bad = await post({ shortcut: 'two words', body: 'x'.repeat(4097) })
    bad.assertStatus(422)
    assert.sameMembers(bad.body().errors.map((e: any) => e.field), ['shortcut', 'body'])
    assert.include(bad.body().errors.find((e: any) => e.field === 'body').message, 'Text')

    // Keeping its own shortcut is no clash; taking another's is.
    const hello = await QuickReply.findByOrFail('shortcut', 'hello')
    const same = await client.put(`${base}/quick-replies/${hello.id}`).form({ shortcut: 'hello', body: 'Hi there' }).header('hx-request', 'true').loginAs(user).withCsrfToken().redirects(0)
    same.assertStatus(302)
    const clash = await client.put(`${base}/quick-replies/${hello.id}`).form({ shortcut: 'bye', body: 'Hi' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    clash.assertStatus(422)

    // Another workspace may use the same shortcut.
    const elsewhere = await post({ shortcut: 'hello', body: 'Hallo' }, other.user, `${other.base}/quick-replies`)
    assert.oneOf(elsewhere.status(), [200, 302])
    assert.equal(await QuickReply.query().where('shortcut', 'hello').count('* as n').then((rows) => Number(rows[0].$extras.n)), 2)
  })

  test('agents may not manage quick replies (403); another workspace’s reply is a 404', async ({ client, assert }) => {
    const { workspace, user: agent, base } = await inboxWorkspace('agent')
    const reply = await QuickReply.create({ workspaceId: workspace.id, shortcut: 'hello', body: 'Hi' })
    const dashboard = await client.get(`/w/${workspace.slug}`).loginAs(agent)
    assert.notInclude(dashboard.text(), `${base}/quick-replies`)
    ;(await client.get(`${base}/quick-replies`).loginAs(agent)).assertStatus(403)
    ;(await client.post(`${base}/quick-replies`).form({ shortcut: 'x', body: 'y' }).loginAs(agent).withCsrfToken()).assertStatus(403)
    ;(await client.delete(`${base}/quick-replies/${reply.id}`).loginAs(agent).withCsrfToken()).assertStatus(403)

    const other = await inboxWorkspace()
    ;(await client.get(`${other.base}/quick-replies/${reply.id}/edit`).loginAs(other.user)).assertStatus(404)
    ;(await client.put(`${other.base}/quick-replies/${reply.id}`).form({ shortcut: 'mine', body: 'Mine' }).loginAs(other.user).withCsrfToken()).assertStatus(404)
    ;(await client.delete(`${other.base}/quick-replies/${reply.id}`).loginAs(other.user).withCsrfToken()).assertStatus(404)
    assert.isNotNull(await QuickReply.find(reply.id))
  })

  test('the list pages by 25', async ({ client, assert }) => {
    const { workspace, user, base } = await inboxWorkspace()
    await QuickReply.createMany(Array.from({ length: 30 }, (_, i) => ({ workspaceId: workspace.id, shortcut: `r${String(i).padStart(2, '0')}`, body: `Reply ${i}` })))
    const first = (await client.get(`${base}/quick-replies`).loginAs(user)).text()
    assert.include(first, '/r24')
    assert.notInclude(first, '/r25')
    assert.include(first, 'rel="next"')
    const second = (await client.get(`${base}/quick-replies`).qs({ page: 2 }).loginAs(user)).text()
    assert.include(second, '/r29')
    assert.notInclude(second, '/r24')
  })

  test('the composer’s popup: prefix matches first, each filled for the conversation; unknown variables stay', async ({ client, assert }) => {
    const { workspace, user: agent, channel, base } = await inboxWorkspace('agent')
    await agent.merge({ fullName: 'Ada Agent' }).save()
    await workspace.merge({ name: 'Acme Shoes' }).save()
    const { conversation } = await conversationIn(channel, { name: 'Jürgen Klopp', phone: '+4915112345678' })
    await QuickReply.createMany([
      { workspaceId: workspace.id, shortcut: 'hello', body: 'Hi {{contact.first_name}} ({{ contact.name }}, {{contact.phone}}), {{agent.name}} from {{workspace.name}}. {{order.id}}' },
      { workspaceId: workspace.id, shortcut: 'say-hello', body: 'Hello again' },
      { workspaceId: workspace.id, shortcut: 'bye', body: 'Goodbye' },
    ])
    const other = await inboxWorkspace()
    await QuickReply.create({ workspaceId: other.workspace.id, shortcut: 'hello-there', body: 'Not ours' })
    const url = `${base}/conversations/${conversation.id}/quick-replies`

    const response = await client.get(url).qs({ q: 'hel' }).loginAs(agent)
    response.assertStatus(200)
    assert.deepEqual(response.body().data.map((r: any) => r.shortcut), ['hello', 'say-hello'])
    assert.equal(response.body().data[0].text, 'Hi Jürgen (Jürgen Klopp, +4915112345678), Ada Agent from Acme Shoes. {{order.id}}')

    const all = await client.get(url).loginAs(agent)
    assert.deepEqual(all.body().data.map((r: any) => r.shortcut), ['bye', 'hello', 'say-hello'])

    // No name: the WhatsApp profile name; neither: the phone number.
    await Contact.query().where('id', conversation.contactId).update({ name: null, profile_name: 'Jojo K' })
    assert.equal((await client.get(url).qs({ q: 'hello' }).loginAs(agent)).body().data[0].text.split(' (')[0], 'Hi Jojo')
    await Contact.query().where('id', conversation.contactId).update({ name: null, profile_name: null })
    assert.equal((await client.get(url).qs({ q: 'hello' }).loginAs(agent)).body().data[0].text.split(' (')[0], 'Hi +4915112345678')

    ;(await client.get(`${other.base}/conversations/${conversation.id}/quick-replies`).loginAs(other.user)).assertStatus(404)
    const viewer = await addMember(workspace, 'viewer')
    ;(await client.get(url).loginAs(viewer)).assertStatus(403)
  })
})
