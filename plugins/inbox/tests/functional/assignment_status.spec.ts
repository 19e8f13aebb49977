import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import { hooks } from '#hooks/bus'
import { addMember, UserFactory } from '#database/factories/index'
import Conversation from '#messaging/models/conversation'
import { wakeSnoozed } from '#inbox/jobs/wake_snoozed'
import { conversationIn, inboxWorkspace } from '#inbox/tests/support'

/** What the inbox's hooks announced, for one workspace (taps cannot be removed: they filter). */
const announced: { hook: string; payload: Record<string, unknown> }[] = []
hooks.tap('conversation.assigned', { plugin: 'core' }, (payload) => void announced.push({ hook: 'conversation.assigned', payload }))
hooks.tap('conversation.resolved', { plugin: 'core' }, (payload) => void announced.push({ hook: 'conversation.resolved', payload }))
hooks.tap('conversation.statusChanged', { plugin: 'core' }, (payload) => void announced.push({ hook: 'conversation.statusChanged', payload }))
const announcedIn = (workspaceId: number) => announced.filter((event) => event.payload.workspaceId === workspaceId)

test.group('Inbox: assignment', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  // Workspace ids come round again after a truncation: what earlier groups announced is not this test's.
  group.each.setup(() => void (announced.length = 0))

  test('assign to oneself, to a member, then nobody: each announced on conversation.assigned', async ({ client, assert }) => {
    const { user: agent, channel, base, workspace } = await inboxWorkspace('agent')
    // A fixed name: a generated one may hold an apostrophe, which the page escapes.
    await agent.merge({ fullName: 'Ada Agent' }).save()
    const colleague = await addMember(workspace, 'agent')
    const { conversation } = await conversationIn(channel)
    const url = `${base}/conversations/${conversation.id}/assignment`
    const assign = (assigneeId: number | string) => client.post(url).form({ assigneeId }).header('hx-request', 'true').loginAs(agent).withCsrfToken()

    const self = await assign(agent.id)
    self.assertStatus(200)
    assert.notInclude(self.text(), '<html', 'HTMX gets the header back')
    assert.include(self.text(), 'id="conversation-header"')
    assert.include(self.text(), 'Assigned to Ada Agent')
    assert.equal((await Conversation.findOrFail(conversation.id)).assigneeId, agent.id)

    ;(await assign(colleague.id)).assertStatus(200)
    assert.equal((await Conversation.findOrFail(conversation.id)).assigneeId, colleague.id)
    ;(await assign(colleague.id)).assertStatus(200)

    const none = await assign('')
    none.assertStatus(200)
    assert.include(none.text(), 'Unassigned')
    assert.isNull((await Conversation.findOrFail(conversation.id)).assigneeId)

    assert.deepEqual(
      announcedIn(workspace.id).map((event) => [event.payload.assigneeId, event.payload.previousAssigneeId, event.payload.actorId]),
      [[agent.id, null, agent.id], [colleague.id, agent.id, agent.id], [null, colleague.id, agent.id]],
      'assigning to whom it already has announces nothing'
    )
    assert.isTrue(announcedIn(workspace.id).every((event) => event.hook === 'conversation.assigned' && event.payload.conversationId === conversation.id))
  })

  test('a plain form post redirects back to the conversation', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace()
    const { conversation } = await conversationIn(channel)
    const response = await client.post(`${base}/conversations/${conversation.id}/assignment`).form({ assigneeId: user.id }).loginAs(user).withCsrfToken().redirects(0)
    response.assertStatus(302)
    assert.equal(response.header('location'), `${base}/conversations/${conversation.id}`)
    assert.equal((await Conversation.findOrFail(conversation.id)).assigneeId, user.id)
  })

  test('only members who may reply can be given a conversation: others are a 422 on assigneeId', async ({ client, assert }) => {
    const { user, channel, base, workspace } = await inboxWorkspace()
    const viewer = await addMember(workspace, 'viewer')
    const stranger = await UserFactory.create()
    const { conversation } = await conversationIn(channel)
    for (const assigneeId of [viewer.id, stranger.id]) {
      const response = await client.post(`${base}/conversations/${conversation.id}/assignment`).form({ assigneeId }).header('hx-request', 'true').loginAs(user).withCsrfToken()
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, 'assigneeId')
    }
    const bad = await client.post(`${base}/conversations/${conversation.id}/assignment`).form({ assigneeId: 'someone' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    bad.assertStatus(422)
    assert.isNull((await Conversation.findOrFail(conversation.id)).assigneeId)
    assert.lengthOf(announcedIn(workspace.id), 0)
  })

  test('the assign menu lists the members who may reply; a viewer gets 403 on assignment, status and reply', async ({ client, assert }) => {
    const { user: owner, channel, base, workspace } = await inboxWorkspace()
    const agent = await addMember(workspace, 'agent')
    const viewer = await addMember(workspace, 'viewer')
    const { conversation } = await conversationIn(channel)

    const page = (await client.get(`${base}/conversations/${conversation.id}`).loginAs(owner)).text()
    assert.include(page, `data-assign="${agent.id}"`)
    assert.notInclude(page, `data-assign="${viewer.id}"`)
    assert.include(page, 'data-assign="me"')

    const url = `${base}/conversations/${conversation.id}`
    const refused = [
      await client.post(`${url}/assignment`).form({ assigneeId: viewer.id }).header('hx-request', 'true').loginAs(viewer).withCsrfToken(),
      await client.post(`${url}/status`).form({ status: 'resolved' }).header('hx-request', 'true').loginAs(viewer).withCsrfToken(),
      await client.post(`${url}/messages`).form({ body: 'hello' }).header('hx-request', 'true').loginAs(viewer).withCsrfToken(),
    ]
    assert.deepEqual(refused.map((response) => response.status()), [403, 403, 403])
    const untouched = await Conversation.findOrFail(conversation.id)
    assert.equal(untouched.status, 'open')
    assert.isNull(untouched.assigneeId)
  })
})

test.group('Inbox: status', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('pending, resolved (announced on conversation.resolved once), reopened', async ({ client, assert }) => {
    const { user, channel, base, workspace } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel)
    const status = (body: Record<string, string>) =>
      client.post(`${base}/conversations/${conversation.id}/status`).form(body).header('hx-request', 'true').loginAs(user).withCsrfToken()

    const pending = await status({ status: 'pending' })
    pending.assertStatus(200)
    assert.include(pending.text(), 'data-status="pending"')
    assert.equal((await Conversation.findOrFail(conversation.id)).status, 'pending')

    const resolved = await status({ status: 'resolved' })
    resolved.assertStatus(200)
    assert.include(resolved.text(), 'data-action="open"', 'a resolved conversation offers to reopen')
    assert.notInclude(resolved.text(), 'data-action="resolve"')
    ;(await status({ status: 'resolved' })).assertStatus(200)
    assert.equal((await Conversation.findOrFail(conversation.id)).status, 'resolved')

    ;(await status({ status: 'open' })).assertStatus(200)
    assert.equal((await Conversation.findOrFail(conversation.id)).status, 'open')

    const events = announcedIn(workspace.id)
    const resolvedEvents = events.filter((event) => event.hook === 'conversation.resolved')
    assert.lengthOf(resolvedEvents, 1)
    assert.deepEqual(resolvedEvents[0].payload, { workspaceId: workspace.id, conversationId: conversation.id, actorId: user.id })
    // Every change of status is announced (what live inboxes follow); resolving twice is one change.
    const changes = events.filter((event) => event.hook === 'conversation.statusChanged').map((event) => [event.payload.previousStatus, event.payload.status])
    assert.deepEqual(changes, [['open', 'pending'], ['pending', 'resolved'], ['resolved', 'open']])
  })

  test('snoozed until a time in the workspace time zone; a past or missing time is a 422', async ({ client, assert }) => {
    const { user, channel, base, workspace } = await inboxWorkspace()
    await workspace.merge({ timezone: 'Europe/Berlin' }).save()
    const { conversation } = await conversationIn(channel)
    const status = (body: Record<string, string>) =>
      client.post(`${base}/conversations/${conversation.id}/status`).form(body).header('hx-request', 'true').loginAs(user).withCsrfToken()

    const tomorrow = DateTime.now().setZone('Europe/Berlin').plus({ days: 1 }).set({ hour: 9, minute: 30, second: 0, millisecond: 0 })
    const snoozed = await status({ status: 'snoozed', snoozedUntil: tomorrow.toFormat("yyyy-MM-dd'T'HH:mm") })
    snoozed.assertStatus(200)
    assert.include(snoozed.text(), 'Snoozed until')
    const stored = await Conversation.findOrFail(conversation.id)
    assert.equal(stored.status, 'snoozed')
    assert.equal(stored.snoozedUntil!.toMillis(), tomorrow.toMillis(), '09:30 in Berlin, not in UTC')

    const past = await status({ status: 'snoozed', snoozedUntil: '2020-01-01T09:00' })
    past.assertStatus(422)
    assert.equal(past.body().errors[0].field, 'snoozedUntil')
    const missing = await status({ status: 'snoozed' })
    missing.assertStatus(422)
    assert.deepEqual(missing.body().errors[0], { field: 'snoozedUntil', rule: 'required', message: 'Snooze until is required' }, 'the field as the form labels it')
    const unknown = await status({ status: 'archived' })
    unknown.assertStatus(422)
    assert.equal(unknown.body().errors[0].field, 'status')

    ;(await status({ status: 'open' })).assertStatus(200)
    assert.isNull((await Conversation.findOrFail(conversation.id)).snoozedUntil, 'another status clears the snooze')
  })

  test('snoozed conversations open again when their time has come, announced', async ({ assert }) => {
    const { channel, workspace } = await inboxWorkspace()
    const due = await conversationIn(channel, { status: 'snoozed' })
    await due.conversation.merge({ snoozedUntil: DateTime.now().minus({ minutes: 1 }) }).save()
    const later = await conversationIn(channel, { status: 'snoozed' })
    await later.conversation.merge({ snoozedUntil: DateTime.now().plus({ hours: 1 }) }).save()

    await wakeSnoozed.handle({} as never, {} as never)
    const woken = await Conversation.findOrFail(due.conversation.id)
    assert.equal(woken.status, 'open')
    assert.isNull(woken.snoozedUntil)
    assert.equal((await Conversation.findOrFail(later.conversation.id)).status, 'snoozed')
    const woke = announcedIn(workspace.id).filter((event) => event.hook === 'conversation.statusChanged')
    assert.deepEqual(woke.map((event) => [event.payload.conversationId, event.payload.status]), [[due.conversation.id, 'open']])
  })
})
