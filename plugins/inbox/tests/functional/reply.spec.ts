import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import type { ApiClient } from '@japa/api-client'
import { until, useSimulatorAndWorkers } from '#messaging/tests/support'
import { customerWrote as customerWroteIn } from '#inbox/tests/support'

const WINDOW_REASON = 'outside the 24-hour customer-service window: send an approved template'

/**
 * Replying end to end: the inbox's composer, messaging's send action and queue, the
 * whatsapp-cloud provider over real HTTP to the simulator, and its signed webhooks back.
 */
test.group('Inbox: replying through the simulator', (group) => {
  const rig = useSimulatorAndWorkers(group, { seed: 11, workers: 2 })

  const customerWrote = (client: ApiClient, text?: string, hoursAgo?: number) => customerWroteIn(client, rig.simulator, text, hoursAgo)

  const sentTo = (phoneNumberId: string) => rig.simulator.received(phoneNumberId).filter((request) => request.kind === 'message')

  test('a reply from the composer (HTMX) comes back as the message to append, reaches WhatsApp once, and its ticks follow', async ({ client, assert }) => {
    const { user, phoneNumberId, base } = await customerWrote(client)

    const response = await client.post(`${base}/messages`).form({ body: 'Guten Tag <3 https://shop.test/help' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    response.assertStatus(200)
    const html = response.text()
    assert.notInclude(html, '<html')
    assert.match(html, /^\s*<li class="group flex justify-end"/, 'one message, on our side')
    assert.include(html, 'Guten Tag &lt;3 <a href="https://shop.test/help"')
    assert.include(html, 'data-tick="queued"')
    const id = Number(html.match(/data-message="(\d+)"/)![1])

    await until(async () => (await Message.findOrFail(id)).status === 'read', 'the read status')
    const sent = sentTo(phoneNumberId)
    assert.lengthOf(sent, 1)
    assert.deepEqual((sent[0].body as any).text, { body: 'Guten Tag <3 https://shop.test/help' })
    const message = await Message.findOrFail(id)
    assert.equal(message.authorType, 'agent')
    assert.equal(message.authorId, String(user.id))

    const page = (await client.get(base).loginAs(user)).text()
    assert.match(page, new RegExp(`data-message="${id}"[\\s\\S]*?Ada Agent ·[\\s\\S]*?data-tick="read">✓✓`))
  })

  test('a reply to a message quotes it at WhatsApp; a plain form post goes back to the conversation', async ({ client, assert }) => {
    const { user, phoneNumberId, base, inbound, wamid } = await customerWrote(client, 'Is it in stock?')

    const response = await client.post(`${base}/messages`).form({ body: 'Yes, it is.', replyToId: inbound.id }).loginAs(user).withCsrfToken().redirects(0)
    response.assertStatus(302)
    assert.equal(response.header('location'), base)

    await until(() => sentTo(phoneNumberId).length === 1, 'the reply at the simulator')
    assert.deepEqual((sentTo(phoneNumberId)[0].body as any).context, { message_id: wamid })
    const page = (await client.get(base).loginAs(user)).text()
    assert.match(page, new RegExp(`data-quoted="${inbound.id}"[\\s\\S]*?Is it in stock\\?[\\s\\S]*?Yes, it is\\.`))
  })

  test('with the window closed a text is refused with a 422 saying why, and nothing is sent', async ({ client, assert }) => {
    const { user, phoneNumberId, base, conversation } = await customerWrote(client, 'Old question', 25)
    assert.isFalse((await Conversation.findOrFail(conversation.id)).windowOpen)

    const refused = await client.post(`${base}/messages`).form({ body: 'Sorry for the wait' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    refused.assertStatus(422)
    assert.deepEqual(refused.body().errors, [{ message: WINDOW_REASON }])

    const plain = await client.post(`${base}/messages`).form({ body: 'Sorry for the wait' }).header('referer', base).loginAs(user).withCsrfToken().redirects(0)
    plain.assertStatus(302)
    assert.equal(plain.header('location'), base)

    assert.equal(Number((await db.from('messages').where('direction', 'outbound').count('* as n'))[0].n), 0)
    assert.lengthOf(sentTo(phoneNumberId), 0)
  })

  test('bad input is a 422 naming the field: an empty reply, a quoted message of another conversation', async ({ client, assert }) => {
    const { user, base } = await customerWrote(client)
    const empty = await client.post(`${base}/messages`).form({ body: '   ' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    empty.assertStatus(422)
    assert.equal(empty.body().errors[0].field, 'body')

    const elsewhere = await customerWrote(client, 'Other customer')
    const foreign = await client.post(`${base}/messages`).form({ body: 'Hi', replyToId: elsewhere.inbound.id }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    foreign.assertStatus(422)
    assert.equal(foreign.body().errors[0].field, 'replyToId')
    assert.equal(Number((await db.from('messages').where('direction', 'outbound').count('* as n'))[0].n), 0)
  })

  test('opening the conversation reads it: unread back to 0, blue ticks at WhatsApp', async ({ client, assert }) => {
    const { user, phoneNumberId, base, conversation, wamid } = await customerWrote(client)
    assert.equal((await Conversation.findOrFail(conversation.id)).unreadCount, 1)

    ;(await client.get(base).loginAs(user)).assertStatus(200)
    assert.equal((await Conversation.findOrFail(conversation.id)).unreadCount, 0)
    await until(() => rig.simulator.received(phoneNumberId).some((request) => request.kind === 'read'), 'the mark-read at the simulator')
    assert.deepEqual(rig.simulator.received(phoneNumberId).filter((request) => request.kind === 'read').map((request) => request.id), [wamid])

    ;(await client.get(base).loginAs(user)).assertStatus(200)
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.lengthOf(rig.simulator.received(phoneNumberId).filter((request) => request.kind === 'read'), 1, 'nothing unread: nothing marked again')
  })

  test('a new message from the customer reopens a resolved and a snoozed conversation', async ({ client, assert }) => {
    const { user, phoneNumberId, base, conversation } = await customerWrote(client)
    const setStatus = (body: Record<string, string>) => client.post(`${base}/status`).form(body).header('hx-request', 'true').loginAs(user).withCsrfToken()
    const customerWrites = (text: string) => rig.simulator.inject(phoneNumberId, { from: '4915112345678', type: 'text', text })

    ;(await setStatus({ status: 'resolved' })).assertStatus(200)
    await customerWrites('One more thing')
    await until(async () => (await Conversation.findOrFail(conversation.id)).status === 'open', 'the resolved conversation to reopen')

    const inAnHour = DateTime.now().plus({ hours: 1 }).setZone('UTC').toFormat("yyyy-MM-dd'T'HH:mm")
    ;(await setStatus({ status: 'snoozed', snoozedUntil: inAnHour })).assertStatus(200)
    assert.equal((await Conversation.findOrFail(conversation.id)).status, 'snoozed')
    await customerWrites('Hello?')
    await until(async () => (await Conversation.findOrFail(conversation.id)).status === 'open', 'the snoozed conversation to reopen')
    assert.isNull((await Conversation.findOrFail(conversation.id)).snoozedUntil)
    assert.lengthOf(await Conversation.query().where('workspace_id', conversation.workspaceId), 1, 'the same conversation, not a new one')
  })
})
