import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { addMember } from '#database/factories/index'
import Message from '#messaging/models/message'
import { until, useSimulatorAndWorkers } from '#messaging/tests/support'
import { conversationIn, customerWrote, inboxWorkspace, messageIn } from '#inbox/tests/support'

/** Reactions from the thread: a WhatsApp reaction through messaging, shown on the message. */
test.group('Inbox: reactions', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an agent reacts to a customer’s message: sent as a reaction, shown on it; the same emoji again takes it back', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel, { texts: ['Thanks a lot!'] })
    const inbound = await Message.query().where('conversation_id', conversation.id).firstOrFail()
    const url = `${base}/conversations/${conversation.id}/messages/${inbound.id}/reactions`
    const react = (emoji: string) => client.post(url).form({ emoji }).header('hx-request', 'true').loginAs(user).withCsrfToken()

    const page = (await client.get(`${base}/conversations/${conversation.id}`).loginAs(user)).text()
    assert.include(page, `data-react="${inbound.id}"`)

    const liked = await react('👍')
    liked.assertStatus(200)
    assert.match(liked.text(), new RegExp(`^\\s*<li[^>]*id="message-${inbound.id}"`))
    assert.match(liked.text(), /data-reactions>\s*👍\s*</)
    const first = await Message.query().where('conversation_id', conversation.id).where('type', 'reaction').firstOrFail()
    assert.deepEqual(first.content, { messageId: inbound.id, emoji: '👍' })
    assert.equal(first.direction, 'outbound')
    assert.equal(first.authorId, String(user.id))

    const undone = await react('👍')
    undone.assertStatus(200)
    assert.notInclude(undone.text(), 'data-reactions')
    const second = await Message.query().where('conversation_id', conversation.id).where('type', 'reaction').orderBy('id', 'desc').firstOrFail()
    assert.deepEqual(second.content, { messageId: inbound.id, emoji: '' })

    const hearted = await react('❤️')
    assert.match(hearted.text(), /data-reactions>\s*❤️\s*</)
  })

  test('not an emoji, a closed window, a message WhatsApp does not know yet: 422; a viewer 403; another conversation’s message 404', async ({ client, assert }) => {
    const { workspace, user, channel, base } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel, { texts: ['Hi'] })
    const inbound = await Message.query().where('conversation_id', conversation.id).firstOrFail()
    const post = (conversationId: number, messageId: number, emoji: string, as = user) =>
      client.post(`${base}/conversations/${conversationId}/messages/${messageId}/reactions`).form({ emoji }).header('hx-request', 'true').loginAs(as).withCsrfToken()

    const text = await post(conversation.id, inbound.id, 'hello')
    text.assertStatus(422)
    assert.equal(text.body().errors[0].field, 'emoji')

    const pending = await messageIn(conversation, { content: { body: 'not yet' }, providerMessageId: null })
    const unknown = await post(conversation.id, pending.id, '👍')
    unknown.assertStatus(422)
    assert.include(unknown.body().errors[0].message, 'not reached WhatsApp')

    const { conversation: closed } = await conversationIn(channel, { windowOpen: false, texts: ['Old'] })
    const old = await Message.query().where('conversation_id', closed.id).firstOrFail()
    const refused = await post(closed.id, old.id, '👍')
    refused.assertStatus(422)
    assert.include(refused.body().errors[0].message, '24-hour')
    assert.notInclude((await client.get(`${base}/conversations/${closed.id}`).loginAs(user)).text(), 'data-react=', 'no control with the window closed')

    ;(await post(closed.id, inbound.id, '👍')).assertStatus(404)
    const viewer = await addMember(workspace, 'viewer')
    ;(await post(conversation.id, inbound.id, '👍', viewer)).assertStatus(403)
    assert.equal(await Message.query().where('type', 'reaction').count('* as n').then((rows) => Number(rows[0].$extras.n)), 0)
  })
})

test.group('Inbox: reactions reach WhatsApp', (group) => {
  const rig = useSimulatorAndWorkers(group, { seed: 43, workers: 2 })

  test('the reaction goes to the customer’s message by its WhatsApp id', async ({ client, assert }) => {
    const { user, phoneNumberId, base, inbound, wamid } = await customerWrote(client, rig.simulator)
    const response = await client.post(`${base}/messages/${inbound.id}/reactions`).form({ emoji: '🙏' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    response.assertStatus(200)
    const sent = () => rig.simulator.received(phoneNumberId).filter((request) => request.kind === 'message')
    await until(() => sent().length === 1, 'the reaction at the simulator')
    assert.deepEqual((sent()[0].body as any).reaction, { message_id: wamid, emoji: '🙏' })
  })
})
