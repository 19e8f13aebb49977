import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { issueApiToken } from '#auth/api_tokens'
import BotSession from '#bots/models/bot_session'
import { botSaid, botWorkspace, dropQueuedJobs, liveFlow } from '#bots/tests/support'

test.group('Bots: starting a flow through the API', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(() => dropQueuedJobs)

  test('POST /api/v1/bots/sessions starts a flow with variables; a second start, bad input and another workspace are refused', async ({ client, assert }) => {
    const { workspace, user, conversation } = await botWorkspace()
    const flow = await liveFlow(workspace.id, [{ id: 'q', type: 'question', data: { text: 'Order {{vars.orderId}}: rate us 1-5', kind: 'number', next: 'e' } }, { id: 'e', type: 'end', data: {} }], { type: 'manual' })
    const { secret } = await issueApiToken(user, workspace, 'tests', ['bots.manage'])
    const url = '/api/v1/bots/sessions'

    const started = await client.post(url).bearerToken(secret).json({ flowId: flow.id, conversationId: conversation.id, variables: { orderId: 'A-1042' } })
    started.assertStatus(201)
    const session = await BotSession.query().where('conversation_id', conversation.id).firstOrFail()
    assert.deepEqual(started.body(), { data: { sessionId: session.id, flowId: flow.id, conversationId: conversation.id } })
    assert.deepEqual(await botSaid(conversation), ['Order A-1042: rate us 1-5'])

    const again = await client.post(url).bearerToken(secret).json({ flowId: flow.id, conversationId: conversation.id })
    again.assertStatus(422)
    assert.equal(again.body().errors[0].field, 'conversationId')
    ;(await client.post(url).bearerToken(secret).json({ flowId: flow.id, variables: 'x' })).assertStatus(422)

    const other = await botWorkspace()
    const outsider = await issueApiToken(other.user, other.workspace, 'tests', ['bots.manage'])
    ;(await client.post(url).bearerToken(outsider.secret).json({ flowId: flow.id, conversationId: other.conversation.id })).assertStatus(404)
    const reader = await issueApiToken(user, workspace, 'reader', ['bots.view'])
    ;(await client.post(url).bearerToken(reader.secret).json({ flowId: flow.id, conversationId: conversation.id })).assertStatus(403)
  })
})

test.group('Bots: the flows through the API', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  const API = '/api/v1/bots/flows'
  const doc = (text: string) => ({
    schemaVersion: 1,
    name: 'Order status',
    trigger: { type: 'keyword', keywords: ['order'] },
    start: 'ask',
    nodes: [
      { id: 'ask', type: 'question', data: { text, kind: 'text', saveTo: 'vars.order', next: 'bye' } },
      { id: 'bye', type: 'end', data: { message: 'Thanks' } },
    ],
  })

  test('import, list, show, replace the draft, publish, export and stats; node-level 422s; abilities and other workspaces', async ({ client, assert }) => {
    const { workspace, user } = await botWorkspace()
    const { secret } = await issueApiToken(user, workspace, 'tests', ['bots.manage', 'bots.view'])
    const reader = (await issueApiToken(user, workspace, 'reader', ['bots.view'])).secret

    const broken = await client.post(API).bearerToken(secret).json({ document: { ...doc('Your order?'), nodes: [{ id: 'ask', type: 'question', data: { kind: 'text' } }] } })
    broken.assertStatus(422)
    assert.isTrue(broken.body().errors.every((error: { field: string }) => error.field === 'document'))
    assert.match(broken.body().errors.map((error: { message: string }) => error.message).join('\n'), /ask/)
    ;(await client.post(API).bearerToken(secret).json({ name: 'x' })).assertStatus(422)
    ;(await client.post(API).bearerToken(reader).json({ document: doc('Your order?') })).assertStatus(403)

    const created = await client.post(API).bearerToken(secret).json({ document: doc('Your order?') })
    created.assertStatus(201)
    const flow = created.body().data
    assert.include(flow, { name: 'Order status', enabled: false, published: null })
    assert.deepInclude(flow.draft, { number: 1, state: 'draft' })
    assert.equal(flow.draft.document.nodes[0].data.text, 'Your order?')
    const taken = await client.post(API).bearerToken(secret).json({ document: doc('Again?') })
    taken.assertStatus(422)
    assert.equal(taken.body().errors[0].field, 'name')

    const listed = await client.get(API).bearerToken(reader)
    listed.assertStatus(200)
    assert.deepEqual(listed.body().meta, { page: 1, perPage: 25, total: 1, lastPage: 1 })
    assert.equal(listed.body().data[0].id, flow.id)
    assert.notProperty(listed.body().data[0].draft, 'document')

    ;(await client.post(`${API}/${flow.id}/publish`).bearerToken(secret)).assertStatus(200)
    ;(await client.post(`${API}/${flow.id}/publish`).bearerToken(secret)).assertStatus(422)
    const replaced = await client.put(`${API}/${flow.id}/draft`).bearerToken(secret).json({ document: doc('Order number, please?') })
    replaced.assertStatus(200)
    assert.equal(replaced.body().data.published.document.nodes[0].data.text, 'Your order?')
    assert.deepInclude(replaced.body().data.draft, { number: 2, state: 'draft' })
    assert.equal(replaced.body().data.draft.document.nodes[0].data.text, 'Order number, please?')
    const badDraft = await client.put(`${API}/${flow.id}/draft`).bearerToken(secret).json({ document: { ...doc('x'), start: 'nowhere' } })
    badDraft.assertStatus(422)
    assert.match(badDraft.body().errors[0].message, /nowhere/)

    const shown = await client.get(`${API}/${flow.id}`).bearerToken(reader)
    assert.equal(shown.body().data.draft.document.nodes[0].data.text, 'Order number, please?')
    const exported = await client.get(`${API}/${flow.id}/export`).bearerToken(reader)
    assert.equal(exported.body().data.nodes[0].data.text, 'Your order?')
    const draftExport = await client.get(`${API}/${flow.id}/export`).qs({ version: shown.body().data.draft.id }).bearerToken(reader)
    assert.equal(draftExport.body().data.nodes[0].data.text, 'Order number, please?')
    // The export imports unchanged.
    ;(await client.put(`${API}/${flow.id}/draft`).bearerToken(secret).json({ document: exported.body().data })).assertStatus(200)

    const renamed = await client.patch(`${API}/${flow.id}`).bearerToken(secret).json({ name: 'Where is my order' })
    renamed.assertStatus(200)
    assert.equal(renamed.body().data.name, 'Where is my order')
    ;(await client.patch(`${API}/${flow.id}`).bearerToken(secret).json({ name: ' ' })).assertStatus(422)
    ;(await client.patch(`${API}/${flow.id}`).bearerToken(reader).json({ name: 'Mine' })).assertStatus(403)
    await client.post(API).bearerToken(secret).json({ name: 'Returns', document: doc('Which order?') })
    const clash = await client.patch(`${API}/${flow.id}`).bearerToken(secret).json({ name: 'RETURNS' })
    clash.assertStatus(422)
    assert.equal(clash.body().errors[0].field, 'name')

    const stats = await client.get(`${API}/${flow.id}/stats`).bearerToken(reader)
    assert.deepEqual(stats.body().data, { started: 0, completed: 0, handedOff: 0, nodes: [] })

    const other = await botWorkspace()
    const outsider = (await issueApiToken(other.user, other.workspace, 'tests', ['bots.manage', 'bots.view'])).secret
    for (const path of ['', '/export', '/stats']) (await client.get(`${API}/${flow.id}${path}`).bearerToken(outsider)).assertStatus(404)
    ;(await client.post(`${API}/${flow.id}/publish`).bearerToken(outsider)).assertStatus(404)
    ;(await client.patch(`${API}/${flow.id}`).bearerToken(outsider).json({ name: 'Theirs' })).assertStatus(404)
    ;(await client.put(`${API}/${flow.id}/draft`).bearerToken(outsider).json({ document: doc('x') })).assertStatus(404)
    ;(await client.get(`${API}/99999999999999999999`).bearerToken(secret)).assertStatus(404)
    ;(await client.get(`${API}/${flow.id}/export`).qs({ version: 'x' }).bearerToken(secret)).assertStatus(422)
    assert.lengthOf((await client.get(API).bearerToken(outsider)).body().data, 0)
    assert.equal((await client.get(`${API}/${flow.id}`).bearerToken(reader)).body().data.name, 'Where is my order')
  })
})
