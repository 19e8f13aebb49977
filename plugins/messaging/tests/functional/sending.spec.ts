import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import Channel from '#messaging/models/channel'
import Contact from '#messaging/models/contact'
import Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import MessageTemplate from '#messaging/models/message_template'
import { hooks, cancel } from '#hooks/bus'
import { sendMessages, type SendMessageOptions } from '#messaging/actions/send_message'
import { sweepWebhookEvents } from '#messaging/jobs/sweep_webhook_events'
import { apiWorkspace, appUrl, connectCloudChannel, until, useSimulatorAndWorkers } from '#messaging/tests/support'

const WINDOW_REASON = 'outside the 24-hour customer-service window: send an approved template'

/**
 * Sending end to end: the real API, the real queue and workers, the whatsapp-cloud provider over
 * real HTTP to the simulator, and the simulator's signed status webhooks back into the platform.
 */
test.group('Sending through whatsapp-cloud to the simulator', (group) => {
  const rig = useSimulatorAndWorkers(group, { seed: 7, workers: 4 })

  /** A customer writes first (opening the window); returns their conversation. */
  async function inboundConversation(phoneNumberId: string, from = '4915112345678') {
    await rig.simulator.inject(phoneNumberId, { from, name: 'Jürgen', type: 'text', text: 'Hallo!' })
    let conversation: Conversation | null = null
    await until(async () => !!(conversation = await Conversation.query().whereHas('contact', (q) => q.where('wa_id', from)).first()), 'the inbound conversation')
    return conversation!
  }

  const statusOf = async (id: number) => (await Message.findOrFail(id)).status

  test('a text reply is queued, sent once, and moves to read as the statuses come back', async ({ client, assert }) => {
    const { token } = await apiWorkspace()
    const { phoneNumberId } = await connectCloudChannel(client, token, rig.simulator)
    const conversation = await inboundConversation(phoneNumberId)
    assert.isTrue(conversation.windowExpiresAt! > DateTime.now().plus({ hours: 23 }))
    await db.from('conversations').where('id', conversation.id).update({ last_activity_at: DateTime.now().minus({ hours: 1 }).toSQL() })

    const response = await client.post(`/api/v1/conversations/${conversation.id}/messages`).bearerToken(token).json({ type: 'text', text: { body: 'Guten Tag! Wie kann ich helfen?' } })
    response.assertStatus(202)
    assert.equal(response.body().data.status, 'queued')
    const id = response.body().data.id

    await until(async () => (await statusOf(id)) === 'read', 'the read status')
    const message = await Message.findOrFail(id)
    assert.isNotNull(message.sentAt)
    assert.isNotNull(message.readAt)
    const sent = rig.simulator.received(phoneNumberId).filter((request) => request.kind === 'message')
    assert.lengthOf(sent, 1)
    assert.equal(sent[0].wamid, message.providerMessageId)
    assert.equal(sent[0].to, '4915112345678')
    assert.deepEqual((sent[0].body as any).text, { body: 'Guten Tag! Wie kann ich helfen?' })

    await conversation.refresh()
    assert.isTrue(conversation.lastActivityAt > DateTime.now().minus({ minutes: 1 }), 'a reply moves the conversation up')

    const listed = await client.get(`/api/v1/conversations/${conversation.id}/messages`).bearerToken(token)
    listed.assertStatus(200)
    assert.deepEqual(listed.body().data.map((m: any) => m.direction), ['inbound', 'outbound'])
    assert.equal(listed.body().data[1].providerMessageId, message.providerMessageId)
  })

  test('outside the 24-hour window a free-form message is refused up front; a template goes', async ({ client, assert }) => {
    const { token } = await apiWorkspace()
    const { channelId, phoneNumberId } = await connectCloudChannel(client, token, rig.simulator)

    const refused = await client.post('/api/v1/messages').bearerToken(token).json({ channelId, to: '+44 7700 900123', type: 'text', text: { body: 'Hi' } })
    refused.assertStatus(422)
    assert.equal(refused.body().errors[0].message, WINDOW_REASON)
    assert.equal(Number((await db.from('messages').count('* as n'))[0].n), 0)
    assert.equal(Number((await db.from('contacts').count('* as n'))[0].n), 0, 'a refused message creates nothing')

    const synced = await client.post(`/api/v1/channels/${channelId}/templates/sync`).bearerToken(token)
    synced.assertStatus(200)
    assert.include(synced.body().data.map((t: any) => t.name), 'hello_world')

    const wrongCount = await client.post('/api/v1/messages').bearerToken(token).json({
      channelId,
      to: '+447700900123',
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'x' }] }] },
    })
    wrongCount.assertStatus(422)
    assert.equal(wrongCount.body().errors[0].field, 'template.components')

    const sent = await client.post('/api/v1/messages').bearerToken(token).json({ channelId, to: '+447700900123', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } })
    sent.assertStatus(202)
    await until(async () => (await statusOf(sent.body().data.id)) === 'read', 'the template to be read')
    assert.equal(rig.simulator.received(phoneNumberId).filter((r) => r.kind === 'message')[0].type, 'template')
  })

  test('limits are checked before any provider call: 4 buttons, a 21-character title, 11 rows', async ({ client, assert }) => {
    const { token } = await apiWorkspace()
    const { phoneNumberId } = await connectCloudChannel(client, token, rig.simulator)
    const conversation = await inboundConversation(phoneNumberId)
    const send = (body: object) => client.post(`/api/v1/conversations/${conversation.id}/messages`).bearerToken(token).json(body)
    const button = (id: string, title = id) => ({ type: 'reply', reply: { id, title } })

    const four = await send({ type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: ['a', 'b', 'c', 'd'].map((id) => button(id)) } } })
    four.assertStatus(422)
    assert.equal(four.body().errors[0].field, 'interactive.action.buttons')

    const long = await send({ type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [button('a', 'x'.repeat(21))] } } })
    long.assertStatus(422)
    assert.equal(long.body().errors[0].field, 'interactive.action.buttons.0.reply.title')

    const rows = Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }))
    const list = await send({ type: 'interactive', interactive: { type: 'list', body: { text: 'Menu' }, action: { button: 'Open', sections: [{ title: 'All', rows }] } } })
    list.assertStatus(422)
    assert.equal(list.body().errors[0].field, 'interactive.action.sections')

    assert.lengthOf(rig.simulator.received(phoneNumberId).filter((r) => r.kind === 'message'), 0)
    assert.equal(Number((await db.from('messages').where('direction', 'outbound').count('* as n'))[0].n), 0)
  })

  test('provider 500 then 200: retried, and sent exactly once', async ({ client, assert }) => {
    const { token } = await apiWorkspace()
    const { phoneNumberId } = await connectCloudChannel(client, token, rig.simulator)
    const conversation = await inboundConversation(phoneNumberId)
    rig.simulator.fault(phoneNumberId, [{ status: 500 }])

    const response = await client.post(`/api/v1/conversations/${conversation.id}/messages`).bearerToken(token).json({ type: 'text', text: { body: 'Second try' } })
    response.assertStatus(202)
    await until(async () => ['sent', 'delivered', 'read'].includes(await statusOf(response.body().data.id)), 'the retry to be sent', 15_000)
    assert.lengthOf(rig.simulator.received(phoneNumberId).filter((r) => r.kind === 'message'), 1)
  }).timeout(30_000)

  test('131047 from the provider (synchronously or as a status) fails the message with the window reason', async ({ client, assert }) => {
    const { token } = await apiWorkspace()
    for (const windowEnforcement of ['sync', 'status'] as const) {
      const { phoneNumberId } = await connectCloudChannel(client, token, rig.simulator, { windowEnforcement })
      const conversation = await inboundConversation(phoneNumberId, windowEnforcement === 'sync' ? '33612345678' : '33612345679')
      // The simulator forgets the customer's message: for the provider, the window is closed.
      rig.simulator.reset({ keepNumbers: true })
      const response = await client.post(`/api/v1/conversations/${conversation.id}/messages`).bearerToken(token).json({ type: 'text', text: { body: 'Too late' } })
      response.assertStatus(202)
      await until(async () => (await statusOf(response.body().data.id)) === 'failed', `the ${windowEnforcement} failure`)
      const message = await Message.findOrFail(response.body().data.id)
      assert.equal(message.errorCode, '131047')
      assert.equal(message.errorReason, WINDOW_REASON)
      if (windowEnforcement === 'sync') {
        // A refusal the provider answered shows on the channel's health (saved once the sender's claim ends, after the message).
        await until(async () => (await Channel.findOrFail(message.channelId)).lastError !== null, "the channel's last error")
        const channel = await Channel.findOrFail(message.channelId)
        assert.include(channel.lastError, WINDOW_REASON)
        assert.isNotNull(channel.lastErrorAt)
      }
    }
  })

  test('the per-number rate is never exceeded: 12 messages at 4/s all go, none throttled', async ({ client, assert }) => {
    const { token } = await apiWorkspace()
    const { phoneNumberId } = await connectCloudChannel(client, token, rig.simulator, { throughputPerSecond: 4 })
    const conversation = await inboundConversation(phoneNumberId)
    const ids: number[] = []
    for (let i = 0; i < 12; i++) {
      const response = await client.post(`/api/v1/conversations/${conversation.id}/messages`).bearerToken(token).json({ type: 'text', text: { body: `#${i}` } })
      ids.push(response.body().data.id)
    }
    await until(async () => Number((await db.from('messages').whereIn('id', ids).whereNull('provider_message_id').count('* as n'))[0].n) === 0, 'every message to be sent', 15_000)
    const times = rig.simulator.received(phoneNumberId).filter((r) => r.kind === 'message').map((r) => Date.parse(r.at))
    assert.lengthOf(times, 12)
    for (const start of times) assert.isAtMost(times.filter((t) => t >= start && t < start + 1000).length, 4)
    assert.notProperty(rig.simulator.stats().sends.byCode, '130429')
  }).timeout(30_000)

  test('sendMessages queues many at once: each checked on its own, the accepted sent once in order, the refused reported', async ({ client, assert }) => {
    const { token, user } = await apiWorkspace()
    const { phoneNumberId } = await connectCloudChannel(client, token, rig.simulator, { throughputPerSecond: 50 })
    const open = await inboundConversation(phoneNumberId, '4915112340001')
    const blocked = await inboundConversation(phoneNumberId, '4915112340002')
    await Contact.query().where('id', blocked.contactId).update({ blocked: true })
    const author = { type: 'campaign' as const, id: user.id }
    const items = Array.from({ length: 30 }, (_, i) => ({ conversation: i === 7 ? blocked : open, input: { type: 'text', text: { body: `Angebot ${i}` } } as unknown as SendMessageOptions['input'], author }))

    const outcomes = await sendMessages(items)
    assert.lengthOf(outcomes, 30)
    assert.include(outcomes[7].refusal?.message, 'blocked')
    const queued = outcomes.filter((outcome) => outcome.message).map((outcome) => outcome.message!)
    assert.lengthOf(queued, 29)
    assert.isTrue(queued.every((message, i) => message.status === 'queued' && (i === 0 || message.id > queued[i - 1].id)))

    await until(async () => Number((await db.from('messages').whereIn('id', queued.map((m) => m.id)).where('status', 'queued').count('* as n'))[0].n) === 0, 'every message to be sent', 15_000)
    const sent = rig.simulator.received(phoneNumberId).filter((r) => r.kind === 'message')
    // Exactly once each, and one conversation's messages arrive in the order they were queued.
    assert.deepEqual(sent.map((r) => (r.body as any).text.body), items.map((_, i) => `Angebot ${i}`).filter((_, i) => i !== 7))
    const stored = await Message.query().whereIn('id', queued.map((m) => m.id)).orderBy('id')
    assert.deepEqual(stored.map((m) => m.providerMessageId), sent.map((r) => r.wamid))
    assert.isTrue(stored.every((m) => m.attempts === 1 && m.authorType === 'campaign'))
  }).timeout(30_000)

  test('a queued message whose wake-up was lost (Redis flushed) or whose sender died is sent by the sweeper, once', async ({ client, assert }) => {
    const { token } = await apiWorkspace()
    const { channelId, phoneNumberId } = await connectCloudChannel(client, token, rig.simulator)
    const conversation = await inboundConversation(phoneNumberId)
    // Queued with no wake-up (as after a Redis flush), and one claimed by a sender that died (its lease ran out).
    const stranded = await Message.createMany(
      ['lost wake-up', 'dead sender'].map((body, i) => ({
        workspaceId: conversation.workspaceId,
        conversationId: conversation.id,
        channelId,
        direction: 'outbound' as const,
        type: 'text' as const,
        content: { body },
        status: 'queued' as const,
        authorType: 'agent' as const,
        attempts: i,
        nextAttemptAt: DateTime.now().minus({ minutes: i + 1 }),
      }))
    )
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.lengthOf(rig.simulator.received(phoneNumberId).filter((r) => r.kind === 'message'), 0, 'nothing woke a sender')

    await sweepWebhookEvents.handle({} as never, {} as never)
    await until(async () => Number((await db.from('messages').whereIn('id', stranded.map((m) => m.id)).where('status', 'queued').count('* as n'))[0].n) === 0, 'the swept messages to be sent')
    assert.sameMembers(rig.simulator.received(phoneNumberId).filter((r) => r.kind === 'message').map((r) => (r.body as any).text.body), ['lost wake-up', 'dead sender'])
  })

  test('media: uploaded to us, uploaded to the provider, sent by id; inbound media is copied into storage', async ({ client, assert }) => {
    const { token } = await apiWorkspace()
    const { phoneNumberId } = await connectCloudChannel(client, token, rig.simulator)
    const conversation = await inboundConversation(phoneNumberId)

    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')
    const upload = await client.post('/api/v1/media').bearerToken(token).file('file', png, { filename: 'pixel.png', contentType: 'image/png' })
    upload.assertStatus(201)
    const response = await client
      .post(`/api/v1/conversations/${conversation.id}/messages`)
      .bearerToken(token)
      .json({ type: 'image', image: { mediaId: upload.body().data.id, caption: 'Your receipt' } })
    response.assertStatus(202)
    await until(async () => (await statusOf(response.body().data.id)) !== 'queued', 'the image to be sent')
    const sent = rig.simulator.received(phoneNumberId).find((r) => r.kind === 'message')!
    assert.equal((sent.body as any).image.caption, 'Your receipt')
    assert.match((sent.body as any).image.id, /\S+/)

    await rig.simulator.inject(phoneNumberId, { from: '4915112345678', type: 'image', caption: 'my photo' })
    let stored: any
    await until(async () => !!(stored = await db.from('media').whereNotNull('message_id').first()), 'the inbound image in storage')
    const inbound = await Message.findOrFail(stored.message_id)
    assert.equal(inbound.content.media_id, Number(stored.id))
    assert.equal(inbound.content.caption, 'my photo')
    assert.match(stored.sha256, /^[0-9a-f]{64}$/)

    const file = await client.get(`/api/v1/media/${stored.id}`).bearerToken(token)
    file.assertStatus(200)
    assert.equal(file.header('content-type'), stored.mime)
    assert.equal(file.header('x-content-type-options'), 'nosniff')
    assert.equal(Number(file.header('content-length')), Number(stored.size))
  })

  test('a blocked contact gets nothing: 422 before anything is queued', async ({ client, assert }) => {
    const { token } = await apiWorkspace()
    const { phoneNumberId } = await connectCloudChannel(client, token, rig.simulator)
    const conversation = await inboundConversation(phoneNumberId)
    ;(await client.patch(`/api/v1/contacts/${conversation.contactId}`).bearerToken(token).json({ blocked: true })).assertStatus(200)
    const refused = await client.post(`/api/v1/conversations/${conversation.id}/messages`).bearerToken(token).json({ type: 'text', text: { body: 'Hi' } })
    refused.assertStatus(422)
    assert.include(refused.body().errors[0].message, 'blocked')
    assert.equal(Number((await db.from('messages').where('direction', 'outbound').count('* as n'))[0].n), 0)
  })

  test('replies and reactions link to their message; read with typing reaches WhatsApp; a reaction goes back', async ({ client, assert }) => {
    const { token } = await apiWorkspace()
    const { phoneNumberId } = await connectCloudChannel(client, token, rig.simulator)
    const conversation = await inboundConversation(phoneNumberId)
    const sent = await client.post(`/api/v1/conversations/${conversation.id}/messages`).bearerToken(token).json({ type: 'text', text: { body: 'Your order shipped' } })
    const ours = sent.body().data.id
    await until(async () => !!(await Message.findOrFail(ours)).providerMessageId, 'the provider id')
    const wamid = (await Message.findOrFail(ours)).providerMessageId!

    const reply = await rig.simulator.inject(phoneNumberId, { from: '4915112345678', type: 'text', text: 'Thanks!', context: { id: wamid } })
    const reaction = await rig.simulator.inject(phoneNumberId, { from: '4915112345678', type: 'reaction', reaction: { messageId: wamid, emoji: '❤️' } })
    let linked: Message[] = []
    await until(async () => (linked = await Message.query().whereIn('provider_message_id', [reply, reaction])).length === 2, 'the reply and the reaction')
    for (const message of linked) assert.equal(message.replyToId, ours, `${message.type} points at our message`)

    const read = await client.post(`/api/v1/conversations/${conversation.id}/read`).bearerToken(token).json({ typing: true })
    read.assertStatus(202)
    assert.equal(read.body().data.unreadCount, 0)
    await until(() => rig.simulator.received(phoneNumberId).some((r) => r.kind === 'read'), 'the mark-read')
    const markRead = rig.simulator.received(phoneNumberId).find((r) => r.kind === 'read')!
    assert.equal(markRead.id, reaction, 'the latest customer message is marked read')
    assert.deepEqual((markRead.body as any).typing_indicator, { type: 'text' })

    const inboundId = linked.find((message) => message.type === 'text')!.id
    const back = await client.post(`/api/v1/conversations/${conversation.id}/messages`).bearerToken(token).json({ type: 'reaction', reaction: { messageId: inboundId, emoji: '👍' } })
    back.assertStatus(202)
    await until(() => rig.simulator.received(phoneNumberId).some((r) => r.type === 'reaction'), 'our reaction')
    assert.deepEqual((rig.simulator.received(phoneNumberId).find((r) => r.type === 'reaction')!.body as any).reaction, { message_id: reply, emoji: '👍' })
  })

  test('hooks: contact.created, conversation.opened, message.received; beforeSend may change or cancel; sent and statusChanged follow', async ({ client, assert }) => {
    const { token, workspace } = await apiWorkspace()
    const seen: string[] = []
    // Taps stay for the process (the bus has no untap): each looks only at this test's workspace,
    // and only during this test — a later test's workspace may get the same id after a truncation.
    let during = true
    const mine = (event: { workspaceId: number | null }) => during && event.workspaceId === workspace.id
    hooks.tap('contact.created', { plugin: 'core' }, (e) => void (mine(e) && seen.push(`contact.created:${e.source}`)))
    hooks.tap('conversation.opened', { plugin: 'core' }, (e) => void (mine(e) && seen.push(`conversation.opened:${e.reopened}`)))
    hooks.tap('message.received', { plugin: 'core' }, (e) => void (mine(e) && seen.push(`message.received:${e.type}`)))
    hooks.tap('message.sent', { plugin: 'core' }, (e) => void (mine(e) && seen.push('message.sent')))
    hooks.tap('message.statusChanged', { plugin: 'core' }, (e) => void (mine(e) && seen.push(`status:${e.status}`)))
    hooks.tap('message.beforeSend', { plugin: 'core' }, (draft, context) => {
      if (!mine(context) || draft.type !== 'text') return
      const body = String(draft.content.body)
      if (body.includes('password')) return cancel('Never send passwords over WhatsApp')
      return { ...draft, content: { ...draft.content, body: `${body}\n— Team Acme` } }
    })

    try {
      const { phoneNumberId } = await connectCloudChannel(client, token, rig.simulator)
      const conversation = await inboundConversation(phoneNumberId)
      await until(() => seen.includes('message.received:text'), 'message.received')
      assert.deepEqual(seen, ['contact.created:inbound', 'conversation.opened:false', 'message.received:text'])

      const refused = await client.post(`/api/v1/conversations/${conversation.id}/messages`).bearerToken(token).json({ type: 'text', text: { body: 'your password is hunter2' } })
      refused.assertStatus(422)
      assert.equal(refused.body().errors[0].message, 'Never send passwords over WhatsApp')

      const sent = await client.post(`/api/v1/conversations/${conversation.id}/messages`).bearerToken(token).json({ type: 'text', text: { body: 'Hello' } })
      sent.assertStatus(202)
      assert.equal(sent.body().data.content.body, 'Hello\n— Team Acme')
      await until(() => seen.includes('status:read'), 'the read status hook')
      assert.includeMembers(seen, ['message.sent', 'status:sent', 'status:delivered', 'status:read'])
      assert.equal((rig.simulator.received(phoneNumberId).find((r) => r.kind === 'message')!.body as any).text.body, 'Hello\n— Team Acme')
    } finally {
      during = false
    }
  })

  test('360dialog: the same Cloud API messages through D360-API-KEY, webhooks signed x-360dialog-signature', async ({ client, assert }) => {
    const { token } = await apiWorkspace('whatsapp-360dialog')
    const created = await client
      .post('/api/v1/channels')
      .bearerToken(token)
      .json({ provider: 'whatsapp-360dialog', name: '360', phoneNumber: '+15550003601', apiKey: 'd360-key-1', webhookSecret: 'd360-secret', apiBaseUrl: rig.simulator.url })
    created.assertStatus(201)
    const channelId = created.body().data.id
    rig.simulator.addNumber({ mode: '360dialog', phoneNumberId: 'd360-1', displayPhone: '15550003601', apiKey: 'd360-key-1', webhookSecret: 'd360-secret', webhookUrl: `${appUrl()}/webhooks/whatsapp/${channelId}`, statusBehaviour: { delayMs: 5 } })
    const conversation = await inboundConversation('d360-1', '5511987654321')

    const response = await client.post(`/api/v1/conversations/${conversation.id}/messages`).bearerToken(token).json({
      type: 'interactive',
      interactive: { type: 'button', body: { text: 'Confirm your order?' }, action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }, { type: 'reply', reply: { id: 'no', title: 'No' } }] } },
    })
    response.assertStatus(202)
    await until(async () => (await statusOf(response.body().data.id)) === 'read', 'the 360dialog message to be read')
    assert.equal(rig.simulator.received('d360-1').find((r) => r.kind === 'message')!.type, 'interactive')
  })

  test('Gupshup: form-encoded sends, templates by their synced id, callbacks with ?token=, statuses correlated by gsId', async ({ client, assert }) => {
    const { token } = await apiWorkspace('whatsapp-gupshup')
    const created = await client
      .post('/api/v1/channels')
      .bearerToken(token)
      .json({ provider: 'whatsapp-gupshup', name: 'GS', phoneNumber: '+919876543210', appName: 'shopapp', apiKey: 'gs-key-1', source: '919876543210', apiBaseUrl: rig.simulator.url })
    created.assertStatus(201)
    const webhook = new URL(created.body().data.webhookUrl)
    rig.simulator.addNumber({ mode: 'gupshup', phoneNumberId: 'gs-1', displayPhone: '919876543210', apiKey: 'gs-key-1', appName: 'shopapp', webhookUrl: `${appUrl()}${webhook.pathname}${webhook.search}`, statusBehaviour: { delayMs: 5 } })
    const conversation = await inboundConversation('gs-1', '919812345678')
    const inbound = await Message.query().where('conversation_id', conversation.id).firstOrFail()
    assert.equal(inbound.content.body, 'Hallo!')

    await rig.simulator.inject('gs-1', { from: '919812345678', type: 'opt-out' })
    await until(async () => (await Contact.findOrFail(conversation.contactId)).optInStatus === 'opted_out', 'the opt-out')
    assert.equal((await Contact.findOrFail(conversation.contactId)).optInSource, 'whatsapp-gupshup')

    const response = await client.post(`/api/v1/conversations/${conversation.id}/messages`).bearerToken(token).json({ type: 'text', text: { body: 'Namaste!' } })
    response.assertStatus(202)
    await until(async () => (await statusOf(response.body().data.id)) === 'read', 'the Gupshup message to be read')
    const sent = rig.simulator.received('gs-1').find((r) => r.kind === 'message')!
    assert.equal(sent.to, '919812345678')
    assert.equal((await Message.findOrFail(response.body().data.id)).providerMessageId, sent.id)

    // Gupshup sends a template by its id: the sender looks the synced template up (once per claimed batch).
    const synced = await client.post(`/api/v1/channels/${created.body().data.id}/templates/sync`).bearerToken(token)
    synced.assertStatus(200)
    const helloId = (await MessageTemplate.named({ workspaceId: conversation.workspaceId, id: created.body().data.id }, 'hello_world', 'en_US'))!.providerTemplateId
    const template = { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } } as unknown as SendMessageOptions['input']
    const outcomes = await sendMessages([1, 2].map(() => ({ conversation, input: template, author: { type: 'campaign' as const, id: null } })))
    await until(async () => (await Promise.all(outcomes.map((outcome) => statusOf(outcome.message!.id)))).every((status) => status === 'read'), 'the templates to be read')
    const templates = rig.simulator.received('gs-1').filter((r) => r.kind === 'message' && r.type === 'template')
    assert.deepEqual(templates.map((r) => (r.body as any).template.id), [helloId, helloId])
  })
})
