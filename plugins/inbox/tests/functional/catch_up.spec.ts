import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import redis from '@adonisjs/redis/services/main'
import transmit from '@adonisjs/transmit/services/main'
import { DateTime } from 'luxon'
import { jobs } from '#jobs/registry'
import { addMember } from '#database/factories/index'
import Conversation from '#messaging/models/conversation'
import { PRESENCE_WINDOW_MS } from '#inbox/services/presence'
import { conversationIn, inboxWorkspace, messageIn } from '#inbox/tests/support'

/** What transmit broadcasts and which jobs are queued while a test runs. */
function recordOutgoing(cleanup: (fn: () => void) => void) {
  const broadcasts: { channel: string; payload: any }[] = []
  const dispatched: { name: string; payload: any }[] = []
  const broadcast = transmit.broadcast.bind(transmit)
  const dispatch = jobs.dispatch.bind(jobs)
  transmit.broadcast = (channel: string, payload: any) => void broadcasts.push({ channel, payload })
  jobs.dispatch = (async (job: any, payload: any) => void dispatched.push({ name: job.name, payload })) as unknown as typeof jobs.dispatch
  cleanup(() => {
    transmit.broadcast = broadcast
    jobs.dispatch = dispatch
  })
  return { broadcasts, dispatched }
}

/**
 * What a page that stays open relies on: the latest page of a thread and the list's first page
 * to catch up with, reading the open conversation as messages arrive, the composer as the 24-hour
 * window has it, presence changes pushed (and pings that change nothing not).
 */
test.group('Inbox: pages that stay open', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('catching up: the latest page of a thread without `before`, the list’s first page with the unread count', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel, { unread: 1 })
    for (let i = 1; i <= 55; i++) await messageIn(conversation, { content: { body: `message ${i}` } })

    const latest = await client.get(`${base}/conversations/${conversation.id}/messages`).header('hx-request', 'true').loginAs(user)
    latest.assertStatus(200)
    assert.lengthOf(latest.text().match(/data-message="/g) ?? [], 50)
    assert.include(latest.text(), 'message 55')
    assert.notInclude(latest.text(), 'message 5<')
    assert.include(latest.text(), 'id="load-older"')
    // A plain request is the conversation's page.
    const plain = await client.get(`${base}/conversations/${conversation.id}/messages`).redirects(0).loginAs(user)
    plain.assertStatus(302)

    const list = await client.get(`${base}?status=open`).header('hx-request', 'true').loginAs(user)
    list.assertStatus(200)
    list.assertHeader('x-inbox-unread', '1')
    assert.include(list.text(), `data-row="${conversation.id}"`)
    // A later page has no count to give.
    const later = await client.get(`${base}?cursor=1-1`).header('hx-request', 'true').loginAs(user)
    assert.isUndefined(later.header('x-inbox-unread'))
  })

  test('reading the open conversation: unread to 0, one receipt, every inbox told; nothing when nothing is unread; another workspace’s is a 404', async ({ client, assert, cleanup }) => {
    const { user, channel, base, workspace } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel, { unread: 2, texts: ['one', 'two'] })
    const { broadcasts, dispatched } = recordOutgoing(cleanup)
    const read = () => client.post(`${base}/conversations/${conversation.id}/read`).header('hx-request', 'true').loginAs(user).withCsrfToken()

    ;(await read()).assertStatus(204)
    await conversation.refresh()
    assert.equal(conversation.unreadCount, 0)
    assert.deepEqual(dispatched.map((job) => [job.name, job.payload.conversationId]), [['messaging.mark_read', conversation.id]])
    assert.deepEqual(broadcasts, [{ channel: `workspaces/${workspace.id}/inbox/live`, payload: { conversationId: conversation.id } }])

    // Read already (another agent's tab got there first): no second receipt, no event.
    ;(await read()).assertStatus(204)
    assert.lengthOf(dispatched, 1)
    assert.lengthOf(broadcasts, 1)

    // A viewer reads as opening reads; another workspace's conversation is not there.
    const viewer = await addMember(workspace, 'viewer')
    await Conversation.query().where('id', conversation.id).update({ unreadCount: 1 })
    ;(await client.post(`${base}/conversations/${conversation.id}/read`).loginAs(viewer).withCsrfToken()).assertStatus(204)
    assert.lengthOf(dispatched, 2)
    const other = await inboxWorkspace('owner')
    ;(await client.post(`${other.base}/conversations/${conversation.id}/read`).loginAs(other.user).withCsrfToken()).assertStatus(404)
  })

  test('the composer as the window has it: the text box and its end while open, the template picker once closed; none for a viewer', async ({ client, assert }) => {
    const { user, channel, base, workspace } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel)
    const composer = (who = user) => client.get(`${base}/conversations/${conversation.id}/composer`).header('hx-request', 'true').loginAs(who)

    const open = await composer()
    open.assertStatus(200)
    assert.match(open.text(), /^\s*(\{\{--[\s\S]*?--\}\})?\s*<div id="composer-reply"[^>]*data-window="open"/)
    assert.include(open.text(), `data-expires="${conversation.windowExpiresAt!.toISO()}"`)
    assert.include(open.text(), 'id="reply-body"')

    await Conversation.query().where('id', conversation.id).update({ windowExpiresAt: DateTime.now().minus({ minutes: 1 }).toJSDate() })
    const closed = await composer()
    assert.include(closed.text(), 'data-window="closed"')
    assert.include(closed.text(), 'data-testid="window-closed"')
    assert.notInclude(closed.text(), 'id="reply-body"')

    const viewer = await addMember(workspace, 'viewer')
    ;(await composer(viewer)).assertStatus(403)
    const other = await inboxWorkspace('owner')
    ;(await client.get(`${other.base}/conversations/${conversation.id}/composer`).loginAs(other.user)).assertStatus(404)
  })

  test('presence is pushed when it changes (online, away and back, a lapse), not on every ping', async ({ client, assert, cleanup }) => {
    const { workspace, user: agent, base } = await inboxWorkspace('agent')
    const colleague = await addMember(workspace, 'agent')
    await redis.del(`inbox:online:${workspace.id}`)
    const { broadcasts } = recordOutgoing(cleanup)
    const pushed = () => broadcasts.map((sent) => sent.payload.presence)
    const ping = (who = agent) => client.post(`${base}/presence`).header('hx-request', 'true').loginAs(who).withCsrfToken()
    const away = (value: boolean) => client.post(`${base}/presence/preferences`).form({ away: String(value) }).header('hx-request', 'true').loginAs(agent).withCsrfToken()

    ;(await ping()).assertStatus(200)
    ;(await ping()).assertStatus(200)
    assert.deepEqual(pushed(), [agent.id], 'coming online, once')
    ;(await away(true)).assertStatus(200)
    ;(await away(true)).assertStatus(200)
    ;(await away(false)).assertStatus(200)
    assert.deepEqual(pushed(), [agent.id, agent.id, agent.id], 'away, and back; the same switch again is no change')
    assert.isTrue(broadcasts.every((sent) => sent.channel === `workspaces/${workspace.id}/inbox/live`))

    // The agent's last ping lapsed: the colleague's next ping finds it, and says so once.
    await redis.zadd(`inbox:online:${workspace.id}`, Date.now() - PRESENCE_WINDOW_MS - 1000, String(agent.id))
    ;(await ping(colleague)).assertStatus(200)
    ;(await ping(colleague)).assertStatus(200)
    assert.deepEqual(pushed().slice(3), [agent.id, colleague.id])
  })
})
