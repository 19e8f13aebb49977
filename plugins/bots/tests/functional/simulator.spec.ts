import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import { addMember } from '#database/factories/index'
import { saveAutoAssignment } from '#inbox/services/auto_assignment'
import { ping } from '#inbox/services/presence'
import { pluginEnablement } from '#plugins/enablement'
import Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import { apiWorkspace, connectCloudChannel, until, useSimulatorAndWorkers } from '#messaging/tests/support'
import BotSession from '#bots/models/bot_session'
import { liveFlow } from '#bots/tests/support'

/**
 * End to end: a customer writes from the simulator's phone, the webhook is stored and processed
 * by the real job, messaging offers the message on `message.claim`, the bot answers through the
 * send queue and the whatsapp-cloud provider, and the answers reach the simulator.
 */
test.group('Bots: a published flow answers a customer through the simulator', (group) => {
  const rig = useSimulatorAndWorkers(group, { seed: 71, workers: 2 })

  test('buttons, a question, a condition and a handoff that assigns the conversation', async ({ client, assert }) => {
    const { workspace, user, token } = await apiWorkspace()
    await pluginEnablement.enable(workspace, 'bots', user.id)
    const { phoneNumberId } = await connectCloudChannel(client, token, rig.simulator)
    await liveFlow(
      workspace.id,
      [
        { id: 'menu', type: 'buttons', data: { text: 'Hi {{contact.name}}! Sales or support?', buttons: [{ id: 'sales', title: 'Sales', next: 'budget' }, { id: 'support', title: 'Support', next: 'human' }] } },
        { id: 'budget', type: 'question', data: { text: 'Your budget in EUR?', kind: 'number', saveTo: 'vars.budget', retryText: 'A number, please', next: 'big' } },
        { id: 'big', type: 'condition', data: { branches: [{ match: 'all', rules: [{ subject: 'vars.budget', operator: 'gte', value: 1000 }], next: 'human' }], else: 'small' } },
        { id: 'small', type: 'end', data: { message: 'Our shop has just the thing: https://shop.test' } },
        { id: 'human', type: 'handoff', data: { assigneeId: user.id, message: 'A colleague will be with you shortly.' } },
      ],
      { type: 'keyword', keywords: ['hello', 'hi'] }
    )

    const sent = () => rig.simulator.received(phoneNumberId).filter((request) => request.kind === 'message').map((request) => request.body as any)
    const from = '4915112345678'
    await rig.simulator.inject(phoneNumberId, { from, name: 'Jürgen', type: 'text', text: 'Hello' })
    await until(() => sent().length === 1, 'the buttons at the phone')
    const buttons = sent()[0]
    assert.equal(buttons.type, 'interactive')
    assert.equal(buttons.interactive.body.text, 'Hi Jürgen! Sales or support?')
    assert.deepEqual(buttons.interactive.action.buttons.map((b: any) => b.reply.title), ['Sales', 'Support'])

    await rig.simulator.inject(phoneNumberId, { from, type: 'interactive', interactive: { type: 'button_reply', id: 'sales', title: 'Sales' } })
    await until(() => sent().length === 2, 'the question')
    await rig.simulator.inject(phoneNumberId, { from, type: 'text', text: 'lots' })
    await until(() => sent().length === 3, 'the retry message')
    await rig.simulator.inject(phoneNumberId, { from, type: 'text', text: '2500' })
    await until(() => sent().length === 4, 'the handoff message')
    assert.deepEqual(
      sent().slice(1).map((body) => body.text.body),
      ['Your budget in EUR?', 'A number, please', 'A colleague will be with you shortly.']
    )

    const conversation = await Conversation.query().where('workspace_id', workspace.id).firstOrFail()
    await until(async () => (await Conversation.findOrFail(conversation.id)).assigneeId === user.id, 'the assignment')
    const session = await BotSession.query().where('conversation_id', conversation.id).firstOrFail()
    assert.equal(session.status, 'handed_off')
    assert.equal(session.variables.budget, 2500)
    const botMessages = await Message.query().where('conversation_id', conversation.id).where('direction', 'outbound')
    assert.isTrue(botMessages.every((message) => message.authorType === 'bot'))

    // Handed off: the next message is for the humans, the bot stays quiet.
    await rig.simulator.inject(phoneNumberId, { from, type: 'text', text: 'hello?' })
    await until(async () => (await Message.query().where('conversation_id', conversation.id).where('direction', 'inbound')).length === 5, 'the last message stored')
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.lengthOf(sent(), 4)
  })
  test("with auto-assignment on and an agent online, the bot still gets a new customer's first message; its handoff goes to the agent", async ({ client, assert }) => {
    const { workspace, user, token } = await apiWorkspace()
    await pluginEnablement.enable(workspace, 'bots', user.id)
    await pluginEnablement.enable(workspace, 'inbox', user.id)
    const agent = await addMember(workspace, 'agent')
    await redis.del(`inbox:online:${workspace.id}`, `inbox:auto-assign:last:${workspace.id}`)
    await saveAutoAssignment(workspace, { enabled: true, capacity: 5, teamId: null }, user.id)
    await ping(workspace.id, agent.id)
    const { phoneNumberId } = await connectCloudChannel(client, token, rig.simulator)
    await liveFlow(workspace.id, [
      { id: 'q', type: 'question', data: { text: 'Your name?', kind: 'text', saveTo: 'vars.name', next: 'h' } },
      { id: 'h', type: 'handoff', data: { message: 'Thank you, {{vars.name}}: a colleague will answer.' } },
    ])

    const sent = () => rig.simulator.received(phoneNumberId).filter((request) => request.kind === 'message').map((request) => (request.body as any).text.body)
    const from = '4915187654321'
    await rig.simulator.inject(phoneNumberId, { from, name: 'Anna', type: 'text', text: 'Hello' })
    await until(() => sent().length === 1, 'the question at the phone')
    const conversation = await Conversation.query().where('workspace_id', workspace.id).firstOrFail()
    const held = await Conversation.findOrFail(conversation.id)
    assert.equal(held.status, 'pending')
    assert.isNull(held.assigneeId, 'the bot answers: nobody is assigned yet')

    await rig.simulator.inject(phoneNumberId, { from, type: 'text', text: 'Anna' })
    await until(() => sent().length === 2, 'the handoff message')
    assert.equal(sent()[1], 'Thank you, Anna: a colleague will answer.')
    await until(async () => (await Conversation.findOrFail(conversation.id)).assigneeId === agent.id, 'the assignment to the online agent')
    assert.equal((await Conversation.findOrFail(conversation.id)).status, 'open')
  })
})
