import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { addMember, workspaceWithMember } from '#database/factories/index'
import Conversation from '#messaging/models/conversation'
import { channelIn, conversationIn, inboxWorkspace, messageIn } from '#inbox/tests/support'

/** The conversation ids of a page or partial, in the order shown. */
const idsIn = (html: string) => [...html.matchAll(/data-conversation="(\d+)"/g)].map((match) => Number(match[1]))

test.group('Inbox: the conversation list', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('lists open conversations, newest activity first, with name, phone, last message, time and unread badge', async ({ client, assert }) => {
    const { user, channel, base, workspace } = await inboxWorkspace()
    const older = await conversationIn(channel, { name: 'Olga Older', minutesAgo: 30, texts: ['First question'] })
    const newer = await conversationIn(channel, { name: 'Nina Newer', phone: '+447700900123', minutesAgo: 1, unread: 3, texts: ['Hi', 'Where is my order?'] })
    await conversationIn(channel, { name: 'Rita Resolved', status: 'resolved' })

    const page = await client.get(base).loginAs(user)
    page.assertStatus(200)
    const html = page.text()
    assert.include(html, '<html')
    assert.include(html, `href="/w/${workspace.slug}/inbox"`, 'the sidebar has the Inbox item')
    assert.deepEqual(idsIn(html), [newer.conversation.id, older.conversation.id])
    assert.include(html, 'Nina Newer')
    assert.include(html, '+447700900123')
    assert.include(html, 'Where is my order?')
    assert.notInclude(html, 'Rita Resolved', 'the list shows open conversations unless asked')
    assert.match(html, /data-unread="3"/)
    assert.match(html, /<time[^>]*>\d{1,2}:\d{2}/, 'today shows the time')
  })

  test('views: mine, unassigned, all; and the assignee filter', async ({ client, assert }) => {
    const { user, channel, base, workspace } = await inboxWorkspace('agent')
    const colleague = await addMember(workspace, 'agent')
    const mine = await conversationIn(channel, { assigneeId: user.id })
    const theirs = await conversationIn(channel, { assigneeId: colleague.id })
    const nobodys = await conversationIn(channel)

    const view = async (qs: string) => idsIn((await client.get(`${base}?${qs}`).loginAs(user)).text())
    assert.sameMembers(await view('view=mine'), [mine.conversation.id])
    assert.sameMembers(await view('view=unassigned'), [nobodys.conversation.id])
    assert.sameMembers(await view('view=all'), [mine.conversation.id, theirs.conversation.id, nobodys.conversation.id])
    assert.sameMembers(await view(`view=all&assignee=${colleague.id}`), [theirs.conversation.id])
  })

  test('filters by status and by channel; an empty filter field is no filter', async ({ client, assert }) => {
    const { user, channel, base, workspace } = await inboxWorkspace()
    const sales = await channelIn(workspace, 'Sales')
    const open = await conversationIn(channel)
    const pending = await conversationIn(channel, { status: 'pending' })
    const snoozed = await conversationIn(channel, { status: 'snoozed' })
    const resolved = await conversationIn(channel, { status: 'resolved' })
    const onSales = await conversationIn(sales)

    const ids = async (qs: string) => idsIn((await client.get(`${base}?${qs}`).loginAs(user)).text())
    assert.sameMembers(await ids('status=pending'), [pending.conversation.id])
    assert.sameMembers(await ids('status=snoozed'), [snoozed.conversation.id])
    assert.sameMembers(await ids('status=resolved'), [resolved.conversation.id])
    assert.sameMembers(await ids(`channel=${sales.id}`), [onSales.conversation.id])
    assert.sameMembers(await ids('view=all&status=open&channel=&assignee=&q='), [open.conversation.id, onSales.conversation.id])
  })

  test('search by contact name, by the start of a phone number or its digits, by message text; LIKE wildcards are plain text', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace()
    const maria = await conversationIn(channel, { name: 'María Gómez', phone: '+34600111222' })
    const ivan = await conversationIn(channel, { name: 'Ivan', phone: '+79001234567', texts: ['My parcel 42% damaged'] })
    await conversationIn(channel, { name: 'Nobody', texts: ['nothing to see'] })

    const search = async (q: string) => idsIn((await client.get(base).qs({ q }).loginAs(user)).text())
    assert.deepEqual(await search('maría'), [maria.conversation.id])
    assert.deepEqual(await search('+34 600 111'), [maria.conversation.id])
    assert.deepEqual(await search('1234567'), [ivan.conversation.id])
    // With a "+", the start of the number (fast on a million contacts); without, digits anywhere.
    assert.deepEqual(await search('+600111'), [])
    assert.deepEqual(await search('600111'), [maria.conversation.id])
    assert.deepEqual(await search('PARCEL'), [ivan.conversation.id])
    assert.deepEqual(await search('42%'), [ivan.conversation.id])
    assert.deepEqual(await search('%'), [ivan.conversation.id], '% is a character, not "anything"')
    const none = await client.get(base).qs({ q: 'zebra' }).loginAs(user)
    assert.include(none.text(), 'Nothing matches “zebra”.')
  })

  test('pages by cursor: 25 rows and a sentinel that loads the rest (HTMX), without repeating one', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace()
    const created = []
    for (let i = 0; i < 30; i++) created.push((await conversationIn(channel, { minutesAgo: i })).conversation.id)
    // Two with the very same activity time: the id breaks the tie, on both sides of the page edge.
    const { conversation: twin } = await conversationIn(channel, { minutesAgo: 24 })
    await twin.merge({ lastActivityAt: (await Conversation.findOrFail(created[24])).lastActivityAt }).save()

    const first = await client.get(base).loginAs(user)
    const firstIds = idsIn(first.text())
    assert.lengthOf(firstIds, 25)
    const next = first.text().match(/data-testid="list-sentinel"[\s\S]*?href="([^"]+)"/)
    assert.isNotNull(next, 'a sentinel links to the next page')
    assert.match(first.text(), /hx-trigger="intersect once"/)

    const url = next![1].replaceAll('&amp;', '&')
    assert.match(url, /cursor=\d+-\d+/)
    const second = await client.get(url).header('hx-request', 'true').loginAs(user)
    second.assertStatus(200)
    assert.notInclude(second.text(), '<html', 'HTMX gets only the rows')
    assert.notInclude(second.text(), 'list-sentinel', 'the last page has no sentinel')
    const secondIds = idsIn(second.text())
    assert.lengthOf(secondIds, 6)
    assert.sameMembers([...firstIds, ...secondIds], [...created, twin.id])
  })

  test('HTMX filters get the rows only; a bad filter is a 422 with the field, not a 500', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace()
    await conversationIn(channel, { name: 'Zoe' })

    const partial = await client.get(`${base}?view=all`).header('hx-request', 'true').loginAs(user)
    partial.assertStatus(200)
    assert.notInclude(partial.text(), '<html')
    assert.include(partial.text(), 'Zoe')

    const boosted = await client.get(base).header('hx-request', 'true').header('hx-boosted', 'true').loginAs(user)
    assert.include(boosted.text(), '<html', 'a boosted link gets the whole page')

    const bad = await client.get(`${base}?status=archived&cursor=nope&channel=99999999999`).header('hx-request', 'true').loginAs(user)
    bad.assertStatus(422)
    assert.sameMembers(bad.body().errors.map((error: { field: string }) => error.field), ['status', 'cursor', 'channel'])
  })

  test('a viewer sees the list; where the inbox is off it is 404; another workspace never shows', async ({ client, assert }) => {
    const { user: viewer, channel, base } = await inboxWorkspace('viewer')
    await conversationIn(channel, { name: 'Visible Vera' })
    const page = await client.get(base).loginAs(viewer)
    page.assertStatus(200)
    assert.include(page.text(), 'Visible Vera')

    const other = await workspaceWithMember('owner')
    const elsewhere = await client.get(`/w/${other.workspace.slug}/inbox`).loginAs(other.user)
    elsewhere.assertStatus(404)
    const otherChannel = await channelIn(other.workspace)
    await conversationIn(otherChannel, { name: 'Secret Sam' })
    assert.notInclude((await client.get(`${base}?view=all`).loginAs(viewer)).text(), 'Secret Sam')
    assert.notInclude((await client.get(base).qs({ q: 'Secret' }).loginAs(viewer)).text(), 'Secret Sam')
  })

  test('the last message preview says what it is: a photo, a location, a reply we sent with its tick', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace()
    const photo = await conversationIn(channel, { minutesAgo: 3 })
    await messageIn(photo.conversation, { type: 'image', content: { id: 'MEDIA1', caption: 'the dent' } })
    const place = await conversationIn(channel, { minutesAgo: 2 })
    await messageIn(place.conversation, { type: 'location', content: { latitude: 52.5, longitude: 13.4, name: 'Warehouse' } })
    const answered = await conversationIn(channel, { minutesAgo: 1 })
    await messageIn(answered.conversation, { direction: 'outbound', content: { body: 'On its way' }, status: 'read' })

    const html = (await client.get(base).loginAs(user)).text()
    assert.include(html, '📷 Photo: the dent')
    assert.include(html, '📍 Location: Warehouse')
    assert.match(html, /data-tick="read"[^>]*>✓✓<\/span>\s*On its way/)
  })
})
