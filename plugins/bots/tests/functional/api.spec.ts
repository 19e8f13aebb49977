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
