import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { createServer, type Server } from 'node:http'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import Contact from '#messaging/models/contact'
import Conversation from '#messaging/models/conversation'
import { sendMessage } from '#messaging/actions/send_message'
import BotSession from '#bots/models/bot_session'
import Flow from '#bots/models/flow'
import { advance } from '#bots/services/runtime'
import { expireSessions } from '#bots/services/sessions'
import { httpPolicy } from '#bots/services/http_request'
import { startFlow } from '#bots/actions/start_flow'
import { addMember } from '#database/factories/index'
import { pluginEnablement } from '#plugins/enablement'
import PluginInstallation from '#plugins/installation'
import { botSaid, botWorkspace, customerSays, dropQueuedJobs, liveFlow } from '#bots/tests/support'
import { truncateTables } from '#tests/helpers/database'

const sessionOf = (conversation: Conversation) => BotSession.query().where('conversation_id', conversation.id).orderBy('id', 'desc').firstOrFail()
const tap = (id: string, title: string) => ({ type: 'interactive' as const, content: { type: 'button_reply', button_reply: { id, title } } })

const events: { hook: string; payload: any }[] = []
for (const hook of ['bot.sessionStarted', 'bot.completed', 'bot.handoff', 'conversation.assigned', 'conversation.statusChanged'] as const) {
  hooks.tap(hook, { plugin: 'core' }, (payload: any) => void events.push({ hook, payload }))
}

test.group('Bots: the runtime, node by node', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(() => dropQueuedJobs)
  group.each.setup(() => void (events.length = 0))

  test('message with variables, buttons answered by tap or by title, then the end: completed and counted', async ({ assert }) => {
    const { workspace, conversation } = await botWorkspace()
    const flow = await liveFlow(workspace.id, [
      { id: 'hi', type: 'message', data: { text: 'Hi {{contact.name}}, {{ contact.phone }}!', next: 'menu' } },
      { id: 'menu', type: 'buttons', data: { text: 'What now?', saveTo: 'vars.choice', buttons: [{ id: 'buy', title: 'Buy', next: 'bought' }, { id: 'ask', title: 'Ask', next: 'asked' }] } },
      { id: 'bought', type: 'end', data: { message: 'You chose {{vars.choice}}' } },
      { id: 'asked', type: 'end', data: {} },
    ])
    assert.deepEqual(await customerSays(conversation, 'hello'), { plugin: 'bots' })
    const said = await botSaid(conversation)
    assert.match(said[0], /^Hi Jürgen, \+4915550\d+!$/)
    assert.deepEqual(said[1].action.buttons.map((b: any) => b.reply), [{ id: 'buy', title: 'Buy' }, { id: 'ask', title: 'Ask' }])
    assert.equal((await sessionOf(conversation)).waiting, 'answer')

    await customerSays(conversation, tap('buy', 'Buy'))
    assert.equal((await botSaid(conversation))[2], 'You chose buy')
    const session = await sessionOf(conversation)
    assert.equal(session.status, 'completed')
    await flow.refresh()
    assert.deepEqual([flow.sessionsStarted, flow.sessionsCompleted], [1, 1])
    assert.deepEqual(events.map((e) => e.hook), ['bot.sessionStarted', 'bot.completed'])
    const stats = await db.from('bot_node_stats').where('flow_id', flow.id).orderBy('node_id')
    assert.deepEqual(stats.map((row) => [row.node_id, row.entered]), [['bought', 1], ['hi', 1], ['menu', 1]])
  })

  test("the scope names the conversation's channel and tells the time in the workspace's zone", async ({ assert }) => {
    const { workspace, conversation } = await botWorkspace()
    await workspace.merge({ timezone: 'Asia/Kathmandu' }).save()
    await liveFlow(workspace.id, [{ id: 'hi', type: 'end', data: { message: 'On {{channel.name}} at {{time}}' } }])
    const before = DateTime.now().setZone('Asia/Kathmandu').toFormat('HH:mm')
    await customerSays(conversation, 'hello')
    const after = DateTime.now().setZone('Asia/Kathmandu').toFormat('HH:mm')
    assert.oneOf((await botSaid(conversation))[0], [`On Shop at ${before}`, `On Shop at ${after}`])
  })

  test('question: a bad answer gets the retry message, a good one is saved to a contact field; out of retries takes the invalid exit', async ({ assert }) => {
    const { workspace, conversation, contact } = await botWorkspace()
    await liveFlow(workspace.id, [
      { id: 'q', type: 'question', data: { text: 'Your e-mail?', kind: 'email', saveTo: 'contact.attributes.email', retryText: 'That is no e-mail', maxRetries: 1, next: 'n', invalid: 'giveup' } },
      { id: 'n', type: 'question', data: { text: 'How many?', kind: 'number', saveTo: 'vars.count', maxRetries: 0, next: 'done', invalid: 'giveup' } },
      { id: 'done', type: 'end', data: { message: 'Thanks, {{vars.count}} noted for {{contact.attributes.email}}' } },
      { id: 'giveup', type: 'end', data: { message: 'Let us try later' } },
    ])
    await customerSays(conversation, 'start')
    await customerSays(conversation, 'not an address')
    await customerSays(conversation, 'Ann@Example.com')
    await customerSays(conversation, '2,5')
    assert.deepEqual(await botSaid(conversation), ['Your e-mail?', 'That is no e-mail', 'How many?', 'Thanks, 2.5 noted for ann@example.com'])
    assert.equal((await Contact.findOrFail(contact.id)).attributes.email, 'ann@example.com')

    const other = await botWorkspace()
    await liveFlow(other.workspace.id, [
      { id: 'n', type: 'question', data: { text: 'How many?', kind: 'number', maxRetries: 0, next: 'done', invalid: 'giveup' } },
      { id: 'done', type: 'end', data: {} },
      { id: 'giveup', type: 'end', data: { message: 'Let us try later' } },
    ])
    await customerSays(other.conversation, 'hi')
    await customerSays(other.conversation, 'lots')
    assert.deepEqual(await botSaid(other.conversation), ['How many?', 'Let us try later'])
  })

  test('list rows, condition on variables, tags and business hours, set variable and contact field', async ({ assert }) => {
    const { workspace, conversation, contact } = await botWorkspace()
    await liveFlow(workspace.id, [
      { id: 'l', type: 'list', data: { header: 'Sizes for {{contact.name}}', text: 'Pick a size', footer: 'Tap one', button: 'Sizes', saveTo: 'vars.size', sections: [{ title: 'Sizes', rows: [{ id: 's', title: 'Small', next: 'tag' }, { id: 'xl', title: 'Extra large', description: 'Roomy', next: 'tag' }] }] } },
      { id: 'tag', type: 'tag', data: { action: 'add', tag: 'size-{{vars.size}}', next: 'name' } },
      { id: 'name', type: 'set_contact_field', data: { field: 'name', value: 'Mr. {{vars.size}}', next: 'var' } },
      { id: 'var', type: 'set_variable', data: { variable: 'greeting', value: 'Hello {{contact.name}}', next: 'c' } },
      {
        id: 'c',
        type: 'condition',
        data: {
          branches: [
            { match: 'all', rules: [{ subject: 'vars.size', operator: 'eq', value: 'XL' }, { subject: 'contact.tags', operator: 'contains', value: 'size-xl' }], next: 'big' },
            { match: 'any', rules: [{ subject: 'business_hours', operator: 'eq', value: true }], next: 'small' },
          ],
          else: 'small',
        },
      },
      { id: 'big', type: 'end', data: { message: '{{vars.greeting}}: big it is' } },
      { id: 'small', type: 'end', data: { message: 'small it is' } },
    ])
    await customerSays(conversation, 'hi')
    const list = (await botSaid(conversation))[0]
    assert.equal(list.type, 'list')
    assert.deepEqual([list.header, list.body, list.footer], [{ type: 'text', text: 'Sizes for Jürgen' }, { text: 'Pick a size' }, { text: 'Tap one' }])
    assert.deepEqual(list.action.sections[0].rows[1], { id: 'xl', title: 'Extra large', description: 'Roomy' })
    await customerSays(conversation, { type: 'interactive', content: { type: 'list_reply', list_reply: { id: 'xl', title: 'Extra large' } } })
    assert.equal((await botSaid(conversation))[1], 'Hello Mr. xl: big it is')
    const saved = await Contact.findOrFail(contact.id)
    assert.equal(saved.name, 'Mr. xl')
    assert.deepEqual(saved.attributes.tags, ['size-xl'])
  })

  test('HTTP request: response fields into variables; an error status, a timeout, a private address and a name resolving to one take the error exit', async ({ assert, cleanup }) => {
    const server: Server = createServer((request, response) => {
      if (request.url === '/slow') return void setTimeout(() => response.end('{}'), 1000)
      if (request.url === '/fail') return void response.writeHead(500).end('no')
      let body = ''
      request.on('data', (chunk) => (body += chunk))
      request.on('end', () => response.setHeader('content-type', 'application/json').end(JSON.stringify({ order: { id: 77, echo: JSON.parse(body || '{}'), auth: request.headers.authorization } })))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanup(() => void server.close())
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    const flowWith = (url: string, timeoutMs = 2000) => [
      { id: 'h', type: 'http', data: { method: 'POST', url, timeoutMs, headers: { authorization: 'Bearer {{contact.name}}' }, body: '{"phone":"{{contact.phone}}"}', map: [{ path: 'order.id', variable: 'order' }, { path: 'order.auth', variable: 'auth' }], next: 'ok', error: 'ko' } },
      { id: 'ok', type: 'end', data: { message: 'order {{vars.order}} {{vars.auth}}' } },
      { id: 'ko', type: 'end', data: { message: 'failed: {{vars.http_error}}' } },
    ]
    const run = async (url: string, allowPrivate: boolean, timeoutMs?: number) => {
      httpPolicy.allowPrivate = allowPrivate
      const { workspace, conversation } = await botWorkspace()
      await liveFlow(workspace.id, flowWith(url, timeoutMs))
      await customerSays(conversation, 'hi')
      return (await botSaid(conversation))[0]
    }
    try {
      assert.equal(await run(`${base}/orders`, true), 'order 77 Bearer Jürgen')
      assert.equal(await run(`${base}/fail`, true), 'failed: HTTP 500')
      assert.equal(await run(`${base}/slow`, true, 200), 'failed: timed out after 200 ms')
      assert.equal(await run(`${base}/orders`, false), 'failed: 127.0.0.1 is a private address')
      // Checked where the socket connects (its lookup), not before the request: no DNS-rebinding window.
      const byName = base.replace('127.0.0.1', 'localhost')
      assert.equal(await run(`${byName}/orders`, false), 'failed: localhost is a private address')
      assert.equal(await run(`${byName}/orders`, true), 'order 77 Bearer Jürgen')
    } finally {
      httpPolicy.allowPrivate = false
    }
  })

  test('delay: waits with its wake-up time in the row, and resumes from the row alone (as after a restart)', async ({ assert }) => {
    const { workspace, conversation } = await botWorkspace()
    await liveFlow(workspace.id, [
      { id: 'd', type: 'delay', data: { seconds: 3600, next: 'later' } },
      { id: 'later', type: 'end', data: { message: 'An hour later' } },
    ])
    await customerSays(conversation, 'hi')
    const waiting = await sessionOf(conversation)
    assert.equal(waiting.waiting, 'delay')
    assert.closeTo(waiting.wakeAt!.toMillis(), Date.now() + 3600_000, 5000)
    // An answer during the delay, and an early wake-up, change nothing.
    await customerSays(conversation, 'anyone?')
    await advance(waiting, { kind: 'wake' })
    assert.lengthOf(await botSaid(conversation), 0)
    await BotSession.query().where('id', waiting.id).update({ wakeAt: DateTime.now().minus({ seconds: 1 }).toSQL() })
    await advance(waiting, { kind: 'wake' })
    assert.deepEqual(await botSaid(conversation), ['An hour later'])
    assert.equal((await BotSession.findOrFail(waiting.id)).status, 'completed')
  })

  test('handoff assigns an agent and pauses the bot; a human reply pauses it too; idle sessions expire as drop-offs', async ({ assert }) => {
    const { workspace, conversation } = await botWorkspace()
    const agent = await addMember(workspace, 'agent')
    const flow = await liveFlow(workspace.id, [
      { id: 'q', type: 'question', data: { text: 'Name?', kind: 'text', saveTo: 'vars.name', next: 'h' } },
      { id: 'h', type: 'handoff', data: { assigneeId: agent.id, message: 'A colleague takes over, {{vars.name}}' } },
    ])
    await customerSays(conversation, 'hi')
    await customerSays(conversation, 'Ann')
    assert.deepEqual(await botSaid(conversation), ['Name?', 'A colleague takes over, Ann'])
    assert.equal((await Conversation.findOrFail(conversation.id)).assigneeId, agent.id)
    assert.equal((await sessionOf(conversation)).status, 'handed_off')
    assert.deepEqual(events.find((e) => e.hook === 'bot.handoff')!.payload.assigneeId, agent.id)
    // The bot stays out: the next message is the humans'.
    assert.isUndefined(await customerSays(conversation, 'still there?'))
    await flow.refresh()
    assert.equal(flow.sessionsHandedOff, 1)

    const other = await botWorkspace()
    const asking = await liveFlow(other.workspace.id, [
      { id: 'q', type: 'question', data: { text: 'Name?', kind: 'text', next: 'e' } },
      { id: 'e', type: 'end', data: {} },
    ])
    await customerSays(other.conversation, 'hi')
    await sendMessage({ conversation: other.conversation, input: { type: 'text', text: { body: 'Human here' } } as any, author: { type: 'agent', id: other.user.id } })
    assert.equal((await sessionOf(other.conversation)).status, 'paused')
    assert.isUndefined(await customerSays(other.conversation, 'Ann'))
    // Two more customers wait at the same question when the sweep comes: each is a drop-off there.
    const waiting = await Promise.all(
      ['+4917000000001', '+4917000000002'].map(async (phone) => {
        const contact = await Contact.create({ workspaceId: other.workspace.id, phone, waId: phone.slice(1), name: 'Ann', optInStatus: 'opted_in', blocked: false, attributes: {} })
        const { channelId, windowExpiresAt } = other.conversation
        return Conversation.create({ workspaceId: other.workspace.id, contactId: contact.id, channelId, status: 'open', unreadCount: 0, lastActivityAt: DateTime.now(), windowExpiresAt })
      })
    )
    for (const conversation of waiting) await customerSays(conversation, 'hi')
    await BotSession.query().where('workspace_id', other.workspace.id).update({ expiresAt: DateTime.now().minus({ minutes: 1 }).toSQL() })
    await expireSessions()
    assert.equal((await sessionOf(other.conversation)).status, 'expired')
    const dropped = await db.from('bot_node_stats').where('flow_id', asking.id).where('node_id', 'q').firstOrFail()
    assert.equal(dropped.dropped, 3)
  })

  test('triggers: keyword, regex, payload, ad referral, new contact; none while a human is assigned; explicit start; one session per conversation', async ({ assert }) => {
    const { workspace, conversation, user } = await botWorkspace()
    const end = (text: string) => [{ id: 'e', type: 'end', data: { message: text } }]
    await liveFlow(workspace.id, end('keyword'), { type: 'keyword', keywords: ['price', 'prices'], match: 'contains' })
    await liveFlow(workspace.id, end('regex'), { type: 'regex', pattern: '^order\\s+#?\\d+$' })
    await liveFlow(workspace.id, end('payload'), { type: 'payload', payload: 'PROMO' })
    await liveFlow(workspace.id, end('new'), { type: 'new_contact' })
    await liveFlow(workspace.id, end('ad'), { type: 'referral', sourceId: 'AD-7' })
    const manual = await liveFlow(workspace.id, end('manual {{vars.code}}'), { type: 'manual' })

    assert.isUndefined(await customerSays(conversation, 'good morning'))
    await customerSays(conversation, 'What are your PRICES?')
    await customerSays(conversation, 'order #123')
    await customerSays(conversation, { type: 'button', content: { payload: 'PROMO', text: 'Show promo' } })
    await customerSays(conversation, { type: 'text', content: { body: 'Tell me more', referral: { source_id: 'AD-7', source_type: 'ad' } } })
    await customerSays(conversation, 'hey', true)
    await startFlow({ workspaceId: workspace.id, flowId: manual.id, conversationId: conversation.id, variables: { code: 'X1' } })
    assert.deepEqual(await botSaid(conversation), ['keyword', 'regex', 'payload', 'ad', 'new', 'manual X1'])

    await Conversation.query().where('id', conversation.id).update({ assigneeId: user.id })
    assert.isUndefined(await customerSays(conversation, 'prices'))

    // A live session holds the conversation: no second one starts.
    await Conversation.query().where('id', conversation.id).update({ assigneeId: null })
    const waiting = await liveFlow(workspace.id, [{ id: 'q', type: 'question', data: { text: 'Q?', kind: 'text', next: 'e' } }, { id: 'e', type: 'end', data: {} }], { type: 'keyword', keywords: ['quiz'] })
    await customerSays(conversation, 'quiz')
    await assert.rejects(() => startFlow({ workspaceId: workspace.id, flowId: manual.id, conversationId: conversation.id }), 'A bot session is running in this conversation already')
    const live = await BotSession.query().where('conversation_id', conversation.id).whereIn('status', ['active', 'paused', 'handed_off'])
    assert.lengthOf(live, 1)
    assert.equal((await sessionOf(conversation)).flowId, waiting.id)
    // Another workspace's flow cannot be started here.
    const outsider = await botWorkspace()
    await assert.rejects(() => startFlow({ workspaceId: outsider.workspace.id, flowId: manual.id, conversationId: conversation.id }))
    assert.equal((await Flow.findOrFail(manual.id)).sessionsStarted, 1)
  })

  test('handoff to a team: where the inbox is on it writes and announces the team and the agent; where it is off the team is kept in vars', async ({ assert }) => {
    const { workspace, user, conversation } = await botWorkspace()
    await pluginEnablement.enable(workspace, 'inbox', user.id)
    const agent = await addMember(workspace, 'agent')
    // The inbox's table, written directly: the bots do not import the inbox (not even in tests).
    const [team] = await db.table('inbox_teams').insert({ workspace_id: workspace.id, name: 'Sales', created_at: new Date(), updated_at: new Date() }).returning('id')
    await liveFlow(workspace.id, [{ id: 'h', type: 'handoff', data: { assigneeId: agent.id, teamId: team.id, message: 'Sales will answer.' } }])
    await customerSays(conversation, 'hi')
    const routed = await db.from('inbox_conversation_teams').where('conversation_id', conversation.id).first()
    assert.equal(routed?.team_id, team.id)
    assert.equal((await Conversation.findOrFail(conversation.id)).assigneeId, agent.id)
    const assigned = events.filter((e) => e.hook === 'conversation.assigned').map((e) => e.payload)
    assert.deepEqual(assigned.map(({ assigneeId, teamId, actorId }) => ({ assigneeId, teamId, actorId })), [{ assigneeId: agent.id, teamId: team.id, actorId: null }])
    assert.deepEqual(events.find((e) => e.hook === 'bot.handoff')!.payload.teamId, team.id)

    const off = await botWorkspace()
    await liveFlow(off.workspace.id, [{ id: 'h', type: 'handoff', data: { teamId: 77 } }])
    await customerSays(off.conversation, 'hi')
    assert.isNull(await db.from('inbox_conversation_teams').where('conversation_id', off.conversation.id).first())
    assert.equal((await sessionOf(off.conversation)).variables.handoff_team_id, 77)
  })

  test('a message refused by the 24-hour window fails the session at the node that spoke, and nothing is announced', async ({ assert }) => {
    const { conversation } = await botWorkspace()
    await conversation.merge({ windowExpiresAt: DateTime.now().minus({ hours: 1 }) }).save()
    await liveFlow(conversation.workspaceId, [
      { id: 'hi', type: 'message', data: { text: 'Hello', next: 'bye' } },
      { id: 'bye', type: 'end', data: {} },
    ])
    await customerSays(conversation, 'hi')
    const session = await sessionOf(conversation)
    assert.equal(session.status, 'failed')
    assert.match(session.lastError ?? '', /^node hi: outside the 24-hour customer-service window/)
    assert.deepEqual(await botSaid(conversation), [])
    assert.isUndefined(events.find((e) => e.hook === 'bot.completed'))
  })

  test('an assignment by a person pauses the bot; the idle time comes from the settings', async ({ assert }) => {
    const { workspace, user, conversation } = await botWorkspace()
    await PluginInstallation.change(workspace.id, 'bots', { settings: { sessionIdleMinutes: 5 } }, user.id)
    await liveFlow(workspace.id, [{ id: 'q', type: 'question', data: { text: 'Name?', kind: 'text', next: 'e' } }, { id: 'e', type: 'end', data: {} }])
    await customerSays(conversation, 'hi')
    const session = await sessionOf(conversation)
    assert.closeTo(session.expiresAt.toMillis(), Date.now() + 5 * 60_000, 10_000)
    // The bot's own handoff announces with no actor: that does not pause anything.
    await hooks.emit('conversation.assigned', { workspaceId: workspace.id, conversationId: conversation.id, assigneeId: user.id, previousAssigneeId: null, actorId: null })
    assert.equal((await sessionOf(conversation)).status, 'active')
    await hooks.emit('conversation.assigned', { workspaceId: workspace.id, conversationId: conversation.id, assigneeId: user.id, previousAssigneeId: null, actorId: user.id })
    assert.equal((await sessionOf(conversation)).status, 'paused')
  })

  test("while a bot answers, the conversation is pending (out of the inbox's open list); a handoff, a person's reply or assignment, or the end open it again", async ({ assert, client }) => {
    const { workspace, user, conversation } = await botWorkspace()
    await pluginEnablement.enable(workspace, 'inbox', user.id)
    await liveFlow(workspace.id, [
      { id: 'q', type: 'question', data: { text: 'Your name?', kind: 'text', saveTo: 'vars.name', next: 'h' } },
      { id: 'h', type: 'handoff', data: { message: 'A colleague will answer, {{vars.name}}.' } },
    ])
    const statusOf = async (c: Conversation) => (await Conversation.findOrFail(c.id)).status
    const listed = async (status: string) => (await client.get(`/w/${workspace.slug}/inbox`).qs({ status }).loginAs(user)).text().includes('Jürgen')

    await customerSays(conversation, 'hi')
    assert.equal(await statusOf(conversation), 'pending')
    assert.deepInclude(events.find((e) => e.hook === 'conversation.statusChanged')!.payload, { status: 'pending', previousStatus: 'open', actorId: null })
    assert.isFalse(await listed('open'))
    assert.isTrue(await listed('pending'))

    // The handoff: open again, unassigned (the flow names nobody), for people.
    await customerSays(conversation, 'Anna')
    assert.equal((await sessionOf(conversation)).status, 'handed_off')
    const opened = await Conversation.findOrFail(conversation.id)
    assert.equal(opened.status, 'open')
    assert.isNull(opened.assigneeId)
    assert.isTrue(await listed('open'))

    // A person's reply, and a person's assignment, pause the bot and open the conversation.
    const replied = await botWorkspace()
    await pluginEnablement.enable(replied.workspace, 'inbox', replied.user.id)
    await liveFlow(replied.workspace.id, [{ id: 'q', type: 'question', data: { text: 'Your name?', kind: 'text', next: 'e' } }, { id: 'e', type: 'end', data: {} }])
    await customerSays(replied.conversation, 'hi')
    assert.equal(await statusOf(replied.conversation), 'pending')
    await sendMessage({ conversation: replied.conversation, input: { type: 'text', text: { body: 'Human here' } } as any, author: { type: 'agent', id: replied.user.id } })
    assert.equal((await sessionOf(replied.conversation)).status, 'paused')
    assert.equal(await statusOf(replied.conversation), 'open')

    const assigned = await botWorkspace()
    await liveFlow(assigned.workspace.id, [{ id: 'q', type: 'question', data: { text: 'Your name?', kind: 'text', next: 'e' } }, { id: 'e', type: 'end', data: {} }])
    await customerSays(assigned.conversation, 'hi')
    // Where the inbox is off the bot writes the column itself.
    assert.equal(await statusOf(assigned.conversation), 'pending')
    const { workspace: ws, user: person, conversation: held } = assigned
    await hooks.emit('conversation.assigned', { workspaceId: ws.id, conversationId: held.id, assigneeId: person.id, previousAssigneeId: null, actorId: person.id })
    assert.equal((await sessionOf(held)).status, 'paused')
    assert.equal(await statusOf(held), 'open')

    // The end opens it too; a person's own status meanwhile stands.
    const ended = await botWorkspace()
    await liveFlow(ended.workspace.id, [{ id: 'q', type: 'question', data: { text: 'Your name?', kind: 'text', next: 'e' } }, { id: 'e', type: 'end', data: { message: 'Bye' } }])
    await customerSays(ended.conversation, 'hi')
    await customerSays(ended.conversation, 'Anna')
    assert.equal((await sessionOf(ended.conversation)).status, 'completed')
    assert.equal(await statusOf(ended.conversation), 'open')
    await customerSays(ended.conversation, 'hi')
    assert.equal(await statusOf(ended.conversation), 'pending')
    await Conversation.query().where('id', ended.conversation.id).update({ status: 'resolved' })
    await customerSays(ended.conversation, 'Anna')
    assert.equal(await statusOf(ended.conversation), 'resolved')
  })

  test('where the bots are switched off the message is left to people', async ({ assert }) => {
    const { workspace, user, conversation } = await botWorkspace()
    await liveFlow(workspace.id, [{ id: 'e', type: 'end', data: { message: 'bot here' } }])
    await pluginEnablement.disable(workspace, 'bots', user.id)
    assert.isUndefined(await customerSays(conversation, 'hello'))
    assert.lengthOf(await botSaid(conversation), 0)
  })

  test('jump to another flow and A/B split; a template when the window is closed', async ({ assert }) => {
    const { workspace, conversation } = await botWorkspace()
    const second = await liveFlow(workspace.id, [{ id: 's', type: 'end', data: { message: 'second flow, {{vars.arm}}' } }], { type: 'manual' })
    await liveFlow(workspace.id, [
      { id: 'ab', type: 'ab_split', data: { branches: [{ percent: 100, next: 'a' }, { percent: 0, next: 'b' }] } },
      { id: 'a', type: 'set_variable', data: { variable: 'arm', value: 'A', next: 'j' } },
      { id: 'b', type: 'set_variable', data: { variable: 'arm', value: 'B', next: 'j' } },
      { id: 'j', type: 'jump', data: { flowId: second.id } },
    ])
    await customerSays(conversation, 'hi')
    assert.deepEqual(await botSaid(conversation), ['second flow, A'])
    assert.equal((await sessionOf(conversation)).flowId, second.id)

    const closed = await botWorkspace()
    await Conversation.query().where('id', closed.conversation.id).update({ windowExpiresAt: DateTime.now().minus({ hours: 1 }).toSQL() })
    await db.table('message_templates').insert({
      workspace_id: closed.workspace.id,
      channel_id: closed.channel.id,
      name: 'follow_up',
      language: 'en',
      category: 'UTILITY',
      status: 'APPROVED',
      components: JSON.stringify([{ type: 'BODY', text: 'Hi {{1}}, still interested?' }]),
      synced_at: new Date(),
      created_at: new Date(),
      updated_at: new Date(),
    })
    const freshConversation = await Conversation.findOrFail(closed.conversation.id)
    const flow = await liveFlow(closed.workspace.id, [{ id: 'm', type: 'message', data: { text: 'Hi again', template: { name: 'follow_up', language: 'en', params: ['{{contact.name}}'] } } }], { type: 'manual' })
    await startFlow({ workspaceId: closed.workspace.id, flowId: flow.id, conversationId: freshConversation.id })
    const [template] = await botSaid(freshConversation)
    assert.equal(template.type, 'template')
    assert.deepEqual(template.components, [{ type: 'body', parameters: [{ type: 'text', text: 'Jürgen' }] }])
  })
})

test.group('Bots: two messages of one customer at once', (group) => {
  // Two connections really wait for each other here: no global transaction, the tables emptied after.
  group.each.setup(() => dropQueuedJobs)
  group.each.teardown(() => truncateTables())

  test('a step that waited for the previous one (which saved a contact field) reads the contact as that one left it', async ({ assert }) => {
    const { workspace, conversation, contact } = await botWorkspace()
    await liveFlow(workspace.id, [
      { id: 'first', type: 'question', data: { text: 'First name?', kind: 'text', saveTo: 'contact.attributes.first', next: 'last' } },
      { id: 'last', type: 'question', data: { text: 'Last name?', kind: 'text', saveTo: 'contact.attributes.last', next: 'bye' } },
      { id: 'bye', type: 'end', data: { message: 'Thanks, {{contact.attributes.first}} {{contact.attributes.last}}' } },
    ])
    await customerSays(conversation, 'hello')
    await customerSays(conversation, 'Ann')
    const session = await sessionOf(conversation)

    // The previous step, still under way: it holds the session, has saved a field and moves the session on.
    const previous = await db.transaction()
    await previous.from('bot_sessions').where('id', session.id).forUpdate()
    await previous.from('contacts').where('id', contact.id).update({ attributes: JSON.stringify({ first: 'Ann', vip: 'yes' }) })
    await previous.from('bot_sessions').where('id', session.id).update({ updated_at: new Date() })
    const answered = customerSays(conversation, 'Lee')
    while (!(await db.rawQuery(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows.length) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await previous.commit()
    await answered

    assert.deepEqual((await Contact.findOrFail(contact.id)).attributes, { first: 'Ann', vip: 'yes', last: 'Lee' })
    assert.equal((await botSaid(conversation)).at(-1), 'Thanks, Ann Lee')
  })
})
