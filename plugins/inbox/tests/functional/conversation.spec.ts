import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import { workspaceWithMember } from '#database/factories/index'
import { pluginEnablement } from '#plugins/enablement'
import { pluginRegistry } from '#plugins/registry'
import Conversation from '#messaging/models/conversation'
import Media from '#messaging/models/media'
import MessageTemplate from '#messaging/models/message_template'
import pg from 'pg'
import Note from '#inbox/models/note'
import Team from '#inbox/models/team'
import { setConversationTeam } from '#inbox/services/teams'
import { channelIn, conversationIn, inboxWorkspace, messageIn } from '#inbox/tests/support'

/** The SQL statements sent to PostgreSQL while `work` runs (every query passes a pg client). */
async function queriesOf(work: () => Promise<unknown>) {
  const sent: string[] = []
  const client = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }
  const query = client.query
  client.query = function (this: unknown, ...args: unknown[]) {
    const statement = args[0] as string | { text: string }
    sent.push(typeof statement === 'string' ? statement : statement.text)
    return query.apply(this, args)
  }
  try {
    await work()
  } finally {
    client.query = query
  }
  return sent
}

const messageIds = (html: string) => [...html.matchAll(/data-message="(\d+)"/g)].map((match) => Number(match[1]))

test.group('Inbox: a conversation', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('shows the conversation, its header, the composer and the contact panel; the list beside it loads on its own, the open one marked', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace()
    const other = await conversationIn(channel, { name: 'Other Olivia', minutesAgo: 5 })
    const { conversation, contact } = await conversationIn(channel, { name: 'Carla Contact', phone: '+447700900555', texts: ['Hello there'] })
    await contact.merge({ profileName: 'carla_wa' }).save()

    const page = await client.get(`${base}/conversations/${conversation.id}`).loginAs(user)
    page.assertStatus(200)
    const html = page.text()
    assert.include(html, '<title>Carla Contact')
    // The list's rows come from GET /inbox?current=<id>, once the list column is shown (not on a phone).
    const listUrl = `${base}?current=${conversation.id}`
    assert.include(html, `hx-get="${listUrl}" hx-trigger="intersect once"`)
    assert.notInclude(html, `data-conversation="${other.conversation.id}"`)
    const list = await client.get(listUrl).header('HX-Request', 'true').loginAs(user)
    list.assertHeader('x-inbox-unread', '0')
    assert.include(list.text(), `data-conversation="${other.conversation.id}"`, 'the list is beside it')
    assert.match(list.text(), new RegExp(`data-current="true"\\s+data-conversation="${conversation.id}"`), 'the open one is marked in the list')
    assert.match(list.text(), new RegExp(`data-current="false"\\s+data-conversation="${other.conversation.id}"`))
    assert.include(html, 'data-testid="conversation-header"')
    assert.include(html, 'Hello there')
    assert.include(html, 'data-testid="reply-form"')
    assert.include(html, 'data-testid="contact-panel"')
    assert.include(html, 'carla_wa')
    assert.include(html, 'data-opt-in="opted_in"')
    assert.include(html, 'data-slot="contact.sidebar"')
    // On a phone only the conversation shows: the list column is hidden below lg, with a way back.
    assert.match(html, /<section class="hidden w-80 shrink-0 flex-col border-r lg:flex"/)
    assert.match(html, /lg:hidden" aria-label="Back to the inbox"/)
    // Its keys are in the "?" sheet.
    assert.include(html, 'Resolve the conversation')
  })

  test('plugins add cards to the contact panel through the contact.sidebar slot, with the contact', async ({ client, assert, cleanup }) => {
    const { user, owner, channel, base, workspace } = await inboxWorkspace()
    const { conversation, contact } = await conversationIn(channel)
    // The test-only plugin sample-notes fills the slot for this test, with its dashboard widget.
    const slots = pluginRegistry.getOrFail('sample-notes').definition.slots!
    slots['contact.sidebar'] = { view: 'sample-notes::partials/widget', load: ({ props }) => ({ count: `contact ${props.contactId}` }) }
    cleanup(() => void delete slots['contact.sidebar'])

    const url = `${base}/conversations/${conversation.id}`
    assert.notInclude((await client.get(url).loginAs(user)).text(), 'data-widget="sample-notes"', 'not where that plugin is off')
    await pluginEnablement.enable(workspace, 'sample-notes', owner.id)
    const html = (await client.get(url).loginAs(user)).text()
    assert.match(html, new RegExp(`data-slot="contact.sidebar">\\s*<div class="card p-5" data-widget="sample-notes">[\\s\\S]*?contact ${contact.id}`))
  })

  test('opening it resets its unread count', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel, { unread: 4, texts: ['one', 'two'] })
    ;(await client.get(`${base}/conversations/${conversation.id}`).loginAs(user)).assertStatus(200)
    await conversation.refresh()
    assert.equal(conversation.unreadCount, 0)
    const list = await client.get(base).loginAs(user)
    assert.notInclude(list.text(), 'data-unread=')
  })

  test('renders every message type: escaped linked text, media, document, location, contacts, buttons, template, reaction, quote, ticks', async ({ client, assert }) => {
    const { user, channel, base, workspace } = await inboxWorkspace()
    const { conversation } = await conversationIn(channel)
    const hostile = await messageIn(conversation, { content: { body: '<script>alert(1)</script> see https://example.com/a?b=1&c=2. or www.shop.test' } })
    const media = await Media.create({ workspaceId: workspace.id, messageId: null, path: 'x', filename: 'invoice.pdf', mime: 'application/pdf', size: 2048, sha256: 'a'.repeat(64) })
    const photo = await Media.create({ workspaceId: workspace.id, messageId: null, path: 'y', filename: 'photo.jpg', mime: 'image/jpeg', size: 10, sha256: 'b'.repeat(64) })
    await messageIn(conversation, { type: 'image', content: { id: 'M1', media_id: photo.id, caption: 'the <b>dent</b>' } })
    await messageIn(conversation, { type: 'image', content: { id: 'M2' } })
    await messageIn(conversation, { type: 'video', content: { link: 'https://cdn.example.com/v.mp4' }, direction: 'outbound' })
    await messageIn(conversation, { type: 'audio', content: { id: 'M3', media_id: photo.id } })
    await messageIn(conversation, { type: 'document', content: { id: 'M4', media_id: media.id, filename: 'invoice.pdf' } })
    await messageIn(conversation, { type: 'location', content: { latitude: 52.52, longitude: 13.405, name: 'Depot', address: 'Berlin' } })
    await messageIn(conversation, { type: 'contacts', content: [{ name: { formatted_name: 'Bob Builder' }, phones: [{ phone: '+49 30 1234' }] }] })
    await messageIn(conversation, {
      type: 'interactive',
      direction: 'outbound',
      content: { type: 'button', body: { text: 'Pick a slot' }, action: { buttons: [{ type: 'reply', reply: { id: 'am', title: 'Morning' } }] } },
    })
    await messageIn(conversation, { type: 'interactive', content: { type: 'button_reply', button_reply: { id: 'am', title: 'Morning' } } })
    await MessageTemplate.create({
      workspaceId: workspace.id,
      channelId: channel.id,
      name: 'order_update',
      language: 'en_US',
      status: 'APPROVED',
      components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} shipped.' }],
      syncedAt: DateTime.now(),
    })
    await messageIn(conversation, {
      type: 'template',
      direction: 'outbound',
      status: 'delivered',
      content: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ann' }, { type: 'text', text: '#42' }] }] },
    })
    const question = await messageIn(conversation, { direction: 'outbound', content: { body: 'Shall we?' }, status: 'read' })
    await messageIn(conversation, { type: 'reaction', content: { message_id: 'x', emoji: '👍' }, replyToId: question.id })
    await messageIn(conversation, { content: { body: 'Yes please' }, replyToId: question.id })
    await messageIn(conversation, { direction: 'outbound', content: { body: 'Too late' }, status: 'failed', errorReason: 'outside the 24-hour customer-service window: send an approved template' })
    await messageIn(conversation, { direction: 'outbound', content: { body: 'Sent one' }, status: 'sent' })
    await messageIn(conversation, { type: 'system', content: { kind: 'order' } })

    const html = (await client.get(`${base}/conversations/${conversation.id}`).loginAs(user)).text()
    const textOf = html.slice(html.indexOf(`data-message="${hostile.id}"`))
    assert.notInclude(html, '<script>alert(1)</script>')
    assert.include(textOf, '&lt;script&gt;alert(1)&lt;/script&gt;')
    assert.include(textOf, '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer nofollow"')
    assert.include(textOf, '>https://example.com/a?b=1&amp;c=2</a>.', 'the full stop is not part of the link')
    assert.include(textOf, '<a href="https://www.shop.test"')

    assert.include(html, 'the &lt;b&gt;dent&lt;/b&gt;', 'captions are escaped')
    assert.match(html, new RegExp(`<img src="http[^"]*/media/${photo.id}\\?signature=[^"]+"`), 'images come through a signed media URL')
    assert.include(html, '@click="big = true"', 'a click opens the larger view')
    assert.include(html, 'data-media-pending', 'a file not yet downloaded says so')
    assert.include(html, '<video src="https://cdn.example.com/v.mp4" controls')
    assert.match(html, /<audio src="[^"]*\/media\/\d+\?signature=/)
    assert.include(html, 'invoice.pdf')
    assert.match(html, />2 ?KB</)
    assert.match(html, new RegExp(`href="[^"]*/media/${media.id}\\?signature=[^"]+"[^>]*download=`))
    assert.include(html, 'href="https://www.openstreetmap.org/?mlat=52.52&amp;mlon=13.405#map=16/52.52/13.405"')
    assert.include(html, 'Depot')
    assert.include(html, 'Bob Builder')
    assert.include(html, '+49 30 1234')
    assert.include(html, 'Pick a slot')
    assert.match(html, /↳ <\/span>Morning/)
    assert.include(html, 'Template order_update (en_US)')
    assert.include(html, 'Hi Ann, your order #42 shipped.')
    assert.match(html, new RegExp(`data-message="${question.id}"[\\s\\S]*?data-reactions>\\s*👍`), 'the reaction shows on its message')
    assert.match(html, new RegExp(`data-quoted="${question.id}"[\\s\\S]*?Shall we\\?[\\s\\S]*?Yes please`), 'a reply shows what it quotes')
    assert.match(html, /data-tick="read">✓✓/)
    assert.match(html, /data-tick="delivered">✓✓/)
    assert.match(html, /data-tick="sent">✓</)
    assert.include(html, 'title="Failed: outside the 24-hour customer-service window: send an approved template" data-tick="failed"')
    assert.include(html, 'This message cannot be shown here. (order)')
  })

  test('shows the latest 50 messages oldest first; "load older" brings the rest (HTMX), a plain link the page from there', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace()
    const { conversation } = await conversationIn(channel)
    const ids = []
    for (let i = 1; i <= 60; i++) ids.push((await messageIn(conversation, { content: { body: `message ${i}` } })).id)

    const html = (await client.get(`${base}/conversations/${conversation.id}`).loginAs(user)).text()
    assert.deepEqual(messageIds(html), ids.slice(10))
    const older = `${base}/conversations/${conversation.id}/messages?before=${ids[10]}`
    assert.include(html, `hx-get="${older}"`)

    const partial = await client.get(older).header('hx-request', 'true').loginAs(user)
    partial.assertStatus(200)
    assert.notInclude(partial.text(), '<html')
    assert.deepEqual(messageIds(partial.text()), ids.slice(0, 10))
    assert.notInclude(partial.text(), 'data-testid="load-older"', 'nothing older is left')

    const plain = await client.get(older).loginAs(user).redirects(0)
    plain.assertStatus(302)
    assert.equal(plain.header('location'), `${base}/conversations/${conversation.id}?before=${ids[10]}`)
    const fromThere = await client.get(`${base}/conversations/${conversation.id}?before=${ids[10]}`).loginAs(user)
    assert.deepEqual(messageIds(fromThere.text()), ids.slice(0, 10))

    const bad = await client.get(`${base}/conversations/${conversation.id}/messages?before=abc`).header('hx-request', 'true').loginAs(user)
    bad.assertStatus(422)
  })

  test('with the 24-hour window closed and no template synced, the composer says a template is needed and where to get one', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel, { windowOpen: false, texts: ['old message'] })
    const html = (await client.get(`${base}/conversations/${conversation.id}`).loginAs(user)).text()
    assert.include(html, 'data-testid="window-closed"')
    assert.include(html, 'WhatsApp only lets you send an approved template')
    assert.include(html, 'data-testid="no-templates"')
    assert.notInclude(html, 'data-testid="template-form"')
    assert.notInclude(html, 'data-testid="reply-form"')
  })

  test('a viewer reads the conversation without the composer, status or assign controls', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace('viewer')
    const { conversation } = await conversationIn(channel, { unread: 2, texts: ['Hi'] })
    const html = (await client.get(`${base}/conversations/${conversation.id}`).loginAs(user)).text()
    assert.include(html, 'data-testid="read-only"')
    assert.notInclude(html, 'data-testid="reply-form"')
    assert.notInclude(html, 'data-action="resolve"')
    assert.notInclude(html, 'data-action="assign-menu"')
    assert.notInclude(html, 'data-reply-to=')
  })

  test('a conversation of another workspace, or an id no conversation can have, is a 404 on every inbox route', async ({ client, assert }) => {
    const { user, base } = await inboxWorkspace()
    const other = await workspaceWithMember('owner')
    const theirs = await conversationIn(await channelIn(other.workspace), { unread: 1, texts: ['private'] })
    const url = `${base}/conversations/${theirs.conversation.id}`

    const answers = [
      await client.get(url).loginAs(user),
      await client.get(`${url}/messages?before=999`).header('hx-request', 'true').loginAs(user),
      await client.post(`${url}/messages`).form({ body: 'hi' }).header('hx-request', 'true').loginAs(user).withCsrfToken(),
      await client.post(`${url}/assignment`).form({ assigneeId: user.id }).header('hx-request', 'true').loginAs(user).withCsrfToken(),
      await client.post(`${url}/status`).form({ status: 'resolved' }).header('hx-request', 'true').loginAs(user).withCsrfToken(),
    ]
    answers.push(await client.get(`${base}/conversations/99999999999999999999`).loginAs(user))
    assert.deepEqual(answers.map((answer) => answer.status()), [404, 404, 404, 404, 404, 404])
    const untouched = await Conversation.findOrFail(theirs.conversation.id)
    assert.equal(untouched.status, 'open')
    assert.equal(untouched.unreadCount, 1)
    assert.isNull(untouched.assigneeId)
  })

  test('a conversation page costs 6 queries, whatever its thread holds: agents’ replies, notes, a team', async ({ client, assert }) => {
    const { user, channel, base, workspace } = await inboxWorkspace('agent')
    await user.merge({ fullName: 'Agnes Agent' }).save()
    const { conversation } = await conversationIn(channel, { texts: ['Hello?'], unread: 1 })
    await conversationIn(channel, { texts: ['Another'], unread: 2 })
    for (let i = 0; i < 30; i++) {
      const reply = await messageIn(conversation, { direction: 'outbound', content: { body: `Reply ${i}` } })
      await reply.merge({ authorType: 'agent', authorId: String(user.id) }).save()
    }
    await Note.create({ workspaceId: workspace.id, conversationId: conversation.id, authorId: user.id, body: 'Internal', mentions: [] })
    const team = await Team.create({ workspaceId: workspace.id, name: 'Sales' })
    await setConversationTeam(workspace.id, conversation.id, team.id)
    const page = `${base}/conversations/${conversation.id}`
    // The first visit reads it (and the session's user is cached): the second is what every visit costs.
    ;(await client.get(page).loginAs(user)).assertStatus(200)

    let html = ''
    const queries = await queriesOf(async () => (html = (await client.get(page).loginAs(user)).text()))
    assert.lengthOf(queries, 6, queries.join('\n'))
    // Nothing less on the page for it.
    assert.include(html, 'Agnes Agent ·')
    assert.include(html, 'Internal')
    assert.match(html, /data-team[^>]*>[^<]*Sales/)
  })
})
