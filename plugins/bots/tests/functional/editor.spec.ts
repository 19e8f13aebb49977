import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { hooks } from '#hooks/bus'
import { pluginEnablement } from '#plugins/enablement'
import { addMember, workspaceWithMember } from '#database/factories/index'
import Message from '#messaging/models/message'
import Flow from '#bots/models/flow'
import FlowVersion from '#bots/models/flow_version'
import BotSession from '#bots/models/bot_session'
import { importFlow } from '#bots/actions/import_flow'
import { publishFlow } from '#bots/actions/publish_flow'

const announced: string[] = []
for (const hook of ['bot.sessionStarted', 'bot.nodeEntered', 'bot.completed', 'bot.handoff'] as const) {
  hooks.tap(hook, { plugin: 'core' }, () => void announced.push(hook))
}

async function botsOn() {
  const { workspace, user } = await workspaceWithMember('owner')
  await pluginEnablement.enable(workspace, 'bots', user.id)
  return { workspace, user, base: `/w/${workspace.slug}/bots` }
}

/** What the editor sends: the flow's JSON as text. */
const doc = (nodes: object[], start = (nodes[0] as { id: string }).id, trigger: object = { type: 'keyword', keywords: ['hi'] }) => ({
  json: JSON.stringify({ schemaVersion: 1, name: 'Sales', trigger, start, nodes }),
})

const salesNodes = (agentId: number) => [
  { id: 'hello', type: 'message', position: { x: 0, y: 0 }, data: { text: 'Hi {{contact.name}}', next: 'menu' } },
  { id: 'menu', type: 'buttons', position: { x: 300, y: 0 }, data: { text: 'Sales or support?', buttons: [{ id: 'sales', title: 'Sales', next: 'budget' }, { id: 'support', title: 'Support', next: 'human' }] } },
  { id: 'budget', type: 'question', position: { x: 600, y: 0 }, data: { text: 'Budget?', kind: 'number', saveTo: 'vars.budget', retryText: 'A number, please', next: 'big' } },
  { id: 'big', type: 'condition', position: { x: 900, y: 0 }, data: { branches: [{ match: 'all', rules: [{ subject: 'vars.budget', operator: 'gte', value: 1000 }], next: 'human' }], else: 'bye' } },
  { id: 'bye', type: 'end', position: { x: 1200, y: 0 }, data: { message: 'See you' } },
  { id: 'human', type: 'handoff', position: { x: 1200, y: 200 }, data: { assigneeId: agentId, message: 'A colleague takes over.' } },
]

test.group('Bots: the editor', (group) => {
  group.each.setup(() => {
    announced.length = 0
    return testUtils.db().withGlobalTransaction()
  })

  test('a new flow opens in the editor with its draft; saving checks it like an import and names the broken nodes', async ({ client, assert }) => {
    const { workspace, user, base } = await botsOn()
    const created = await client.post(`${base}/flows`).form({ name: 'Sales' }).loginAs(user).withCsrfToken().redirects(0)
    created.assertStatus(302)
    const flow = await Flow.query().where('workspace_id', workspace.id).firstOrFail()
    assert.equal(created.header('location'), `${base}/flows/${flow.id}/edit`)
    assert.deepEqual(flow.trigger, { type: 'manual' })

    const page = await client.get(`${base}/flows/${flow.id}/edit`).loginAs(user)
    page.assertStatus(200)
    assert.include(page.text(), 'data-flow-editor')
    assert.include(page.text(), 'data-read-only="false"')
    assert.include(page.text(), '"start":"welcome"')
    assert.include(page.text(), 'data-palette="ab_split"')

    const broken = await client
      .put(`${base}/flows/${flow.id}/draft`)
      .json(doc([
        { id: 'ask', type: 'question', data: { text: 'Name?', kind: 'text' } },
        { id: 'menu', type: 'buttons', data: { text: 'Pick', buttons: [{ id: 'a', title: 'A', next: 'ask' }, { id: 'b', title: 'A title longer than twenty' }] } },
      ]))
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    broken.assertStatus(422)
    const messages = broken.body().errors.map((error: { message: string }) => error.message)
    assert.include(messages, 'node ask: a question needs an exit')
    assert.isTrue(messages.some((message: string) => message.startsWith('node menu: buttons.1.title')))
    assert.equal((await FlowVersion.query().where('flow_id', flow.id).firstOrFail()).definition.start, 'welcome')

    const saved = await client.put(`${base}/flows/${flow.id}/draft`).json(doc(salesNodes(user.id))).loginAs(user).withCsrfToken()
    saved.assertStatus(200)
    assert.deepEqual(saved.body().version, { number: 1, state: 'draft' })
    assert.deepEqual((await Flow.findOrFail(flow.id)).trigger, { type: 'keyword', keywords: ['hi'] })
    assert.lengthOf((await FlowVersion.query().where('flow_id', flow.id).firstOrFail()).definition.nodes, 6)
  })

  test('a published flow opens its live version; the first save makes a new draft, the live one is untouched', async ({ client, assert }) => {
    const { workspace, user, base } = await botsOn()
    const imported = await importFlow({ workspaceId: workspace.id, json: doc(salesNodes(user.id)).json, userId: user.id })
    assert.isTrue(imported.ok)
    const flow = (imported as { flow: Flow }).flow
    await publishFlow(flow)
    const page = await client.get(`${base}/flows/${flow.id}/edit`).loginAs(user)
    assert.include(page.text(), '"version":{"number":1,"state":"published"}')

    const changed = salesNodes(user.id)
    ;(changed[4].data as { message: string }).message = 'Goodbye'
    const saved = await client.put(`${base}/flows/${flow.id}/draft`).json(doc(changed)).loginAs(user).withCsrfToken()
    assert.deepEqual(saved.body().version, { number: 2, state: 'draft' })
    // The revision the editor keeps its undo history for: the page's and the save's agree, and a save makes a new one.
    const revisionIn = (html: string) => html.match(/"revision":"([^"]+)"/)?.[1]
    const opened = revisionIn(page.text())
    assert.match(saved.body().revision, /^\d+\.\d+$/)
    assert.notEqual(saved.body().revision, opened)
    assert.equal(revisionIn((await client.get(`${base}/flows/${flow.id}/edit`).loginAs(user)).text()), saved.body().revision)
    const versions = await FlowVersion.query().where('flow_id', flow.id).orderBy('number')
    assert.deepEqual(versions.map((v) => v.state), ['published', 'draft'])
    assert.equal((versions[0].definition.nodes[4].data as { message: string }).message, 'See you')
  })

  test('viewers see the editor read-only and may not save or test; another workspace gets 404', async ({ client, assert }) => {
    const { workspace, user, base } = await botsOn()
    const viewer = await addMember(workspace, 'viewer')
    const imported = await importFlow({ workspaceId: workspace.id, json: doc(salesNodes(user.id)).json, userId: user.id })
    const flow = (imported as { flow: Flow }).flow
    const page = await client.get(`${base}/flows/${flow.id}/edit`).loginAs(viewer)
    page.assertStatus(200)
    assert.include(page.text(), 'data-read-only="true"')
    assert.notInclude(page.text(), 'data-testid="publish"')
    ;(await client.put(`${base}/flows/${flow.id}/draft`).json(doc(salesNodes(user.id))).loginAs(viewer).withCsrfToken()).assertStatus(403)
    ;(await client.post(`${base}/flows/${flow.id}/test`).loginAs(viewer).withCsrfToken()).assertStatus(403)

    const other = await botsOn()
    ;(await client.get(`${other.base}/flows/${flow.id}/edit`).loginAs(other.user)).assertStatus(404)
    ;(await client.put(`${other.base}/flows/${flow.id}/draft`).json(doc(salesNodes(user.id))).loginAs(other.user).withCsrfToken()).assertStatus(404)
    ;(await client.post(`${other.base}/flows/${flow.id}/test`).loginAs(other.user).withCsrfToken()).assertStatus(404)
  })

  test('the test chat runs the draft through the runtime: buttons, a retry, a condition, the handoff; nothing is sent, counted or announced', async ({ client, assert }) => {
    const { workspace, user, base } = await botsOn()
    await user.merge({ fullName: 'Tess Tester' }).save()
    const imported = await importFlow({ workspaceId: workspace.id, json: doc(salesNodes(user.id)).json, userId: user.id })
    const flow = (imported as { flow: Flow }).flow
    const test = `${base}/flows/${flow.id}/test`

    const started = await client.post(test).header('hx-request', 'true').loginAs(user).withCsrfToken()
    started.assertStatus(200)
    assert.include(started.text(), 'Hi Tess Tester')
    assert.include(started.text(), 'data-reply="Sales"')
    assert.include(started.text(), 'data-test-path="[&quot;hello&quot;,&quot;menu&quot;]"')
    assert.include(started.text(), 'data-test-current="menu"')

    await client.post(`${test}/answer`).form({ 'reply[id]': 'sales', 'reply[title]': 'Sales', 'reply[kind]': 'button' }).loginAs(user).withCsrfToken()
    const retry = await client.post(`${test}/answer`).form({ text: 'lots' }).loginAs(user).withCsrfToken()
    assert.include(retry.text(), 'A number, please')
    const handed = await client.post(`${test}/answer`).form({ text: '2500' }).loginAs(user).withCsrfToken()
    assert.include(handed.text(), 'A colleague takes over.')
    assert.include(handed.text(), 'agent: Tess Tester')
    assert.include(handed.text(), 'data-variable="budget">2500<')
    assert.include(handed.text(), 'data-test-status="handed_off"')
    assert.include(handed.text(), 'data-test-path="[&quot;hello&quot;,&quot;menu&quot;,&quot;budget&quot;,&quot;big&quot;,&quot;human&quot;]"')

    const session = await BotSession.query().where('flow_id', flow.id).firstOrFail()
    assert.equal(session.testUserId, user.id)
    assert.isNull(session.conversationId)
    assert.lengthOf(await Message.query().where('workspace_id', workspace.id), 0)
    const counters = await Flow.findOrFail(flow.id)
    assert.deepEqual([counters.sessionsStarted, counters.sessionsCompleted, counters.sessionsHandedOff], [0, 0, 0])
    assert.deepEqual(announced, [])

    // Restart: a new session from the start; the old one is gone.
    const again = await client.post(test).loginAs(user).withCsrfToken()
    assert.include(again.text(), 'data-test-current="menu"')
    assert.lengthOf(await BotSession.query().where('flow_id', flow.id), 1)
  })

  test('the test chat skips a delay, keeps the pretend contact apart from contacts, and a list row can be tapped', async ({ client, assert }) => {
    const { workspace, user, base } = await botsOn()
    const imported = await importFlow({
      workspaceId: workspace.id,
      userId: user.id,
      json: doc([
        { id: 'wait', type: 'delay', data: { seconds: 3600, next: 'tag' } },
        { id: 'tag', type: 'tag', data: { action: 'add', tag: 'vip', next: 'city' } },
        { id: 'city', type: 'set_contact_field', data: { field: 'attributes.city', value: 'Berlin', next: 'pick' } },
        { id: 'pick', type: 'list', data: { text: 'Pick one', button: 'Menu', sections: [{ rows: [{ id: 'r1', title: 'Red', next: 'bye' }, { id: 'r2', title: 'Blue', next: 'bye' }] }], saveTo: 'vars.colour' } },
        { id: 'bye', type: 'end', data: { message: 'You chose {{vars.colour}}' } },
      ]).json,
    })
    assert.isTrue(imported.ok, JSON.stringify(imported))
    const flow = (imported as { flow: Flow }).flow
    const test = `${base}/flows/${flow.id}/test`
    const waiting = await client.post(test).loginAs(user).withCsrfToken()
    assert.include(waiting.text(), 'data-testid="test-skip"')
    const listed = await client.post(`${test}/skip`).loginAs(user).withCsrfToken()
    assert.include(listed.text(), 'data-reply="Blue"')
    assert.include(listed.text(), 'contact.attributes.city')
    const done = await client.post(`${test}/answer`).form({ 'reply[id]': 'r2', 'reply[title]': 'Blue', 'reply[kind]': 'list' }).loginAs(user).withCsrfToken()
    assert.include(done.text(), 'You chose r2')
    assert.include(done.text(), 'data-test-status="completed"')
    const session = await BotSession.query().where('flow_id', flow.id).firstOrFail()
    assert.deepEqual(session.testState!.contact.attributes, { tags: ['vip'], city: 'Berlin' })
  })
})
