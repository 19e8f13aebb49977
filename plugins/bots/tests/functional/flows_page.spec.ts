import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { pluginEnablement } from '#plugins/enablement'
import { addMember, workspaceWithMember } from '#database/factories/index'
import Flow from '#bots/models/flow'
import FlowVersion from '#bots/models/flow_version'

const flowJson = (text = 'Hello {{contact.name}}') =>
  JSON.stringify({
    schemaVersion: 1,
    name: 'Welcome',
    trigger: { type: 'keyword', keywords: ['hi'] },
    start: 'hi',
    nodes: [
      { id: 'hi', type: 'message', position: { x: 0, y: 0 }, data: { text, next: 'q1' } },
      { id: 'q1', type: 'question', position: { x: 260, y: 0 }, data: { text: 'Your name?', kind: 'text', saveTo: 'contact.name', next: 'bye' } },
      { id: 'bye', type: 'end', position: { x: 520, y: 0 }, data: {} },
    ],
  })

async function botsOn() {
  const { workspace, user } = await workspaceWithMember('owner')
  await pluginEnablement.enable(workspace, 'bots', user.id)
  return { workspace, user, base: `/w/${workspace.slug}/bots` }
}

test.group('Bots: the flows page', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('import, publish, edit as a new draft, restore, switch on; the export is the imported JSON', async ({ client, assert }) => {
    const { workspace, user, base } = await botsOn()
    const imported = await client.post(`${base}/import`).fields({ json: flowJson() }).loginAs(user).withCsrfToken().redirects(0)
    imported.assertStatus(302)
    const flow = await Flow.query().where('workspace_id', workspace.id).firstOrFail()
    assert.equal(imported.header("location") ?? "", `${base}/flows/${flow.id}`)
    assert.equal(flow.name, 'Welcome')
    assert.isFalse(flow.enabled)

    const exported = await client.get(`${base}/flows/${flow.id}/export`).loginAs(user)
    exported.assertStatus(200)
    assert.match(exported.header('content-disposition') ?? '', /attachment; filename="welcome-v1.json"/)
    assert.deepEqual(JSON.parse(exported.text()), JSON.parse(flowJson()))

    await client.post(`${base}/flows/${flow.id}/publish`).loginAs(user).withCsrfToken().redirects(0)
    // Editing the published flow makes a draft; the live version does not change.
    await client.post(`${base}/flows/${flow.id}/import`).fields({ json: flowJson('Changed') }).loginAs(user).withCsrfToken().redirects(0)
    const states = async () => (await FlowVersion.query().where('flow_id', flow.id).orderBy('number')).map((v) => `${v.number}:${v.state}`)
    assert.deepEqual(await states(), ['1:published', '2:draft'])
    await client.post(`${base}/flows/${flow.id}/publish`).loginAs(user).withCsrfToken().redirects(0)
    assert.deepEqual(await states(), ['1:archived', '2:published'])
    const v1 = await FlowVersion.query().where('flow_id', flow.id).where('number', 1).firstOrFail()
    await client.post(`${base}/flows/${flow.id}/versions/${v1.id}/restore`).loginAs(user).withCsrfToken().redirects(0)
    assert.deepEqual(await states(), ['1:archived', '2:published', '3:draft'])
    const v3 = await FlowVersion.query().where('flow_id', flow.id).where('number', 3).firstOrFail()
    assert.equal((v3.definition.nodes[0].data as any).text, 'Hello {{contact.name}}')

    await client.post(`${base}/flows/${flow.id}/enabled`).form({ enabled: 'true' }).loginAs(user).withCsrfToken().redirects(0)
    assert.isTrue((await Flow.findOrFail(flow.id)).enabled)

    const version = await client.get(`${base}/flows/${flow.id}/versions/${v1.id}`).loginAs(user)
    version.assertStatus(200)
    assert.match(version.text(), /data-node="q1"[\s\S]*?Your name\?[\s\S]*?next<\/span> → <a href="#node-bye"/)
    assert.include(version.text(), '&quot;schemaVersion&quot;: 1')

    const page = await client.get(`${base}/flows/${flow.id}`).loginAs(user)
    page.assertStatus(200)
    assert.include(page.text(), 'data-version="3" data-state="draft"')
    assert.include(page.text(), 'data-version="2" data-state="published"')
    const list = await client.get(base).loginAs(user)
    assert.match(list.text(), new RegExp(`data-flow="${flow.id}"[\\s\\S]*?Welcome[\\s\\S]*?data-state>\\s*On`))
  })

  test('a broken flow is refused with 422 and every problem naming its node; nothing is stored', async ({ client, assert }) => {
    const { workspace, user, base } = await botsOn()
    const broken = JSON.stringify({
      schemaVersion: 1,
      name: 'Broken',
      start: 'q1',
      nodes: [
        { id: 'q1', type: 'question', data: { text: 'Name?', kind: 'text' } },
        { id: 'b1', type: 'buttons', data: { text: 'Pick', buttons: [1, 2, 3, 4].map((n) => ({ id: `o${n}`, title: `Option ${n}`, next: 'q1' })) } },
      ],
    })
    const page = await client.post(`${base}/import`).fields({ json: broken }).loginAs(user).withCsrfToken()
    page.assertStatus(422)
    assert.include(page.text(), 'node q1: a question needs an exit')
    assert.include(page.text(), 'node b1: buttons:')
    assert.include(page.text(), 'data-testid="import-errors"')

    const htmx = await client.post(`${base}/import`).fields({ json: '{ nope' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    htmx.assertStatus(422)
    assert.equal(htmx.body().errors[0].field, 'json')
    assert.match(htmx.body().errors[0].message, /^The file is not valid JSON/)

    const empty = await client.post(`${base}/import`).fields({}).header('hx-request', 'true').loginAs(user).withCsrfToken()
    empty.assertStatus(422)
    assert.equal(empty.body().errors[0].field, 'json')
    assert.lengthOf(await Flow.query().where('workspace_id', workspace.id), 0)
  })

  test('a viewer reads but may not change; another workspace and a workspace with the bots off get 404', async ({ client, assert }) => {
    const { workspace, user, base } = await botsOn()
    await client.post(`${base}/import`).fields({ json: flowJson() }).loginAs(user).withCsrfToken().redirects(0)
    const flow = await Flow.query().where('workspace_id', workspace.id).firstOrFail()
    const viewer = await addMember(workspace, 'viewer')
    ;(await client.get(`${base}/flows/${flow.id}`).loginAs(viewer)).assertStatus(200)
    ;(await client.post(`${base}/flows/${flow.id}/publish`).loginAs(viewer).withCsrfToken()).assertStatus(403)
    assert.notInclude((await client.get(base).loginAs(viewer)).text(), 'data-testid="import-form"')

    const other = await botsOn()
    ;(await client.get(`${other.base}/flows/${flow.id}`).loginAs(other.user)).assertStatus(404)
    ;(await client.get(`${other.base}/flows/${flow.id}/export`).loginAs(other.user)).assertStatus(404)
    const version = await FlowVersion.query().where('flow_id', flow.id).firstOrFail()
    ;(await client.get(`${other.base}/flows/${flow.id}/versions/${version.id}`).loginAs(other.user)).assertStatus(404)
    const off = await workspaceWithMember('owner')
    ;(await client.get(`/w/${off.workspace.slug}/bots`).loginAs(off.user)).assertStatus(404)
  })
  test('a manager renames a flow; a name another flow has, or none, is refused and nothing changes; a viewer may not', async ({ client, assert }) => {
    const { workspace, user, base } = await botsOn()
    await client.post(`${base}/import`).fields({ json: flowJson() }).loginAs(user).withCsrfToken().redirects(0)
    await client.post(`${base}/import`).fields({ json: flowJson(), name: 'Returns' }).loginAs(user).withCsrfToken().redirects(0)
    const flow = await Flow.query().where('workspace_id', workspace.id).where('name', 'Welcome').firstOrFail()
    assert.include((await client.get(`${base}/flows/${flow.id}`).loginAs(user)).text(), 'data-testid="rename"')

    const renamed = await client.post(`${base}/flows/${flow.id}/name`).form({ name: '  Greeting  ' }).loginAs(user).withCsrfToken().redirects(0)
    renamed.assertStatus(302)
    assert.equal(renamed.header('location'), `${base}/flows/${flow.id}`)
    assert.equal((await Flow.findOrFail(flow.id)).name, 'Greeting')

    const clash = await client.post(`${base}/flows/${flow.id}/name`).form({ name: 'returns' }).header('accept', 'application/json').loginAs(user).withCsrfToken()
    clash.assertStatus(422)
    assert.equal(clash.body().errors[0].field, 'name')
    ;(await client.post(`${base}/flows/${flow.id}/name`).form({ name: '' }).header('accept', 'application/json').loginAs(user).withCsrfToken()).assertStatus(422)
    assert.equal((await Flow.findOrFail(flow.id)).name, 'Greeting')

    const viewer = await addMember(workspace, 'viewer')
    ;(await client.post(`${base}/flows/${flow.id}/name`).form({ name: 'Mine' }).loginAs(viewer).withCsrfToken()).assertStatus(403)
    assert.notInclude((await client.get(`${base}/flows/${flow.id}`).loginAs(viewer)).text(), 'data-testid="rename"')
    const other = await botsOn()
    ;(await client.post(`${other.base}/flows/${flow.id}/name`).form({ name: 'Theirs' }).loginAs(other.user).withCsrfToken()).assertStatus(404)
  })
})
