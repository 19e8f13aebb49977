import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import { truncateTables } from '#tests/helpers/database'
import { hooks } from '#hooks/bus'
import { addMember } from '#database/factories/index'
import type User from '#auth/models/user'
import type Workspace from '#tenancy/models/workspace'
import Conversation from '#messaging/models/conversation'
import Team from '#inbox/models/team'
import { autoAssignConversation, autoAssignWaiting } from '#inbox/actions/auto_assign_conversation'
import { autoAssignmentOf, saveAutoAssignment } from '#inbox/services/auto_assignment'
import { ping, savePreferences } from '#inbox/services/presence'
import { autoAssign } from '#inbox/jobs/auto_assign'
import { conversationIn, inboxWorkspace } from '#inbox/tests/support'

const assigned: Record<string, unknown>[] = []
hooks.tap('conversation.assigned', { plugin: 'core' }, (payload) => void assigned.push(payload))

/** A workspace with the inbox, auto-assignment as given, and `online` agents pinging (ids ascending: the round-robin's order). */
async function rig(settings: { capacity?: number; teamId?: number | null; enabled?: boolean } = {}, agents = 3) {
  const setup = await inboxWorkspace('owner')
  await redis.del(`inbox:online:${setup.workspace.id}`, `inbox:auto-assign:last:${setup.workspace.id}`)
  const team: User[] = []
  for (let i = 0; i < agents; i++) team.push(await addMember(setup.workspace, 'agent'))
  await saveAutoAssignment(setup.workspace, { enabled: true, capacity: 5, teamId: null, ...settings }, setup.owner.id)
  return { ...setup, agents: team }
}

const online = (workspace: Workspace, users: User[]) => Promise.all(users.map((user) => ping(workspace.id, user.id)))
const assigneeOf = async (conversation: Conversation) => (await Conversation.findOrFail(conversation.id)).assigneeId
/** The customer writes (what messaging announces once no bot took the message). */
const customerWrote = (conversation: Conversation) =>
  hooks.emit('message.received', { workspaceId: conversation.workspaceId, conversationId: conversation.id, messageId: 1, contactId: conversation.contactId, channelId: conversation.channelId, type: 'text', text: 'hi' })

test.group('Inbox: auto-assignment', (group) => {
  // Ids start again after a truncation: what an earlier test heard is forgotten.
  group.each.setup(() => {
    assigned.length = 0
    return truncateTables()
  })

  test('off by default: a new conversation stays unassigned', async ({ assert }) => {
    const { workspace, channel, user } = await inboxWorkspace('agent')
    await ping(workspace.id, user.id)
    assert.isFalse((await autoAssignmentOf(workspace.id)).enabled)
    const { conversation } = await conversationIn(channel)
    await customerWrote(conversation)
    assert.isNull(await assigneeOf(conversation))
  })

  test('round-robin among online agents; away and offline agents are skipped; announced with actor null', async ({ assert }) => {
    const { workspace, channel, agents, owner } = await rig({}, 4)
    const [a, b, c, away] = agents
    await online(workspace, [a, b, c, away])
    await savePreferences(away.id, { away: true })
    // The owner never pinged: offline.
    const order: (number | null)[] = []
    for (let i = 0; i < 4; i++) {
      const { conversation } = await conversationIn(channel)
      await customerWrote(conversation)
      order.push(await assigneeOf(conversation))
    }
    assert.deepEqual(order, [a.id, b.id, c.id, a.id])
    assert.notInclude(order, owner.id)
    const events = assigned.filter((event) => event.workspaceId === workspace.id)
    assert.lengthOf(events, 4)
    assert.isTrue(events.every((event) => event.actorId === null && event.previousAssigneeId === null))
  })

  test('capacity counts open and pending conversations; with nobody free it waits, then goes to whoever frees capacity or comes online', async ({ assert }) => {
    const { workspace, channel, agents } = await rig({ capacity: 1 }, 2)
    const [a, b] = agents
    await online(workspace, [a])
    await conversationIn(channel, { assigneeId: b.id, status: 'pending' })
    const { conversation: first } = await conversationIn(channel)
    const { conversation: second } = await conversationIn(channel)
    assert.equal(await autoAssignConversation(workspace.id, first.id), a.id)
    assert.isNull(await autoAssignConversation(workspace.id, second.id), 'a is at capacity, b is offline')
    assert.isNull(await assigneeOf(second))

    // b comes online, but holds a pending conversation: still full.
    await online(workspace, [b])
    assert.equal(await autoAssignWaiting(workspace.id), 0)
    // a resolves theirs: the periodic job gives a the waiting one.
    await Conversation.query().where('id', first.id).update({ status: 'resolved' })
    await autoAssign.handle({}, undefined as never)
    assert.equal(await assigneeOf(second), a.id)
  })

  test('two conversations at once never push an agent past capacity', async ({ assert }) => {
    const { workspace, channel, agents } = await rig({ capacity: 1 }, 2)
    await online(workspace, agents)
    const conversations = await Promise.all([1, 2, 3, 4].map(() => conversationIn(channel)))
    const winners = await Promise.all(conversations.map(({ conversation }) => autoAssignConversation(workspace.id, conversation.id)))
    assert.sameMembers(winners.filter(Boolean) as number[], agents.map((agent) => agent.id))
    assert.lengthOf(winners.filter((winner) => winner === null), 2)
    const loads = await Conversation.query().where('workspace_id', workspace.id).whereNotNull('assignee_id').groupBy('assignee_id').select('assignee_id').count('* as n')
    assert.isTrue(loads.every((row) => Number(row.$extras.n) === 1))
  })

  test('restricted to a team: only its online members, and the conversation gets the team; a conversation’s own team wins', async ({ assert }) => {
    const setup = await rig({}, 3)
    const [a, b, c] = setup.agents
    const sales = await Team.create({ workspaceId: setup.workspace.id, name: 'Sales' })
    const support = await Team.create({ workspaceId: setup.workspace.id, name: 'Support' })
    const { default: db } = await import('@adonisjs/lucid/services/db')
    await db.table('inbox_team_members').multiInsert([
      { workspace_id: setup.workspace.id, team_id: sales.id, user_id: b.id },
      { workspace_id: setup.workspace.id, team_id: support.id, user_id: c.id },
    ])
    await saveAutoAssignment(setup.workspace, { enabled: true, capacity: 5, teamId: sales.id }, setup.owner.id)
    await online(setup.workspace, [a, b, c])

    const { conversation } = await conversationIn(setup.channel)
    assert.equal(await autoAssignConversation(setup.workspace.id, conversation.id), b.id)
    const event = assigned.find((e) => e.conversationId === conversation.id)!
    assert.equal(event.teamId, sales.id)

    const { conversation: supportCase } = await conversationIn(setup.channel)
    await db.table('inbox_conversation_teams').insert({ workspace_id: setup.workspace.id, conversation_id: supportCase.id, team_id: support.id })
    assert.equal(await autoAssignConversation(setup.workspace.id, supportCase.id), c.id)
  })

  test('a new inbound message to an unassigned conversation assigns it; an assigned, pending or resolved one is left alone; a business message opening one does not', async ({ assert }) => {
    const { workspace, channel, agents } = await rig({}, 1)
    await online(workspace, agents)
    const open = await conversationIn(channel)
    const pending = await conversationIn(channel, { status: 'pending' })
    await customerWrote(open.conversation)
    await customerWrote(pending.conversation)
    assert.equal(await assigneeOf(open.conversation), agents[0].id)
    assert.isNull(await assigneeOf(pending.conversation))

    const { conversation: outbound, contact } = await conversationIn(channel)
    await hooks.emit('conversation.opened', { workspaceId: workspace.id, conversationId: outbound.id, contactId: contact.id, channelId: channel.id, reopened: false })
    assert.isNull(await assigneeOf(outbound))
  })

  test('a conversation a bot hands back (pending → open, unassigned) is assigned at once', async ({ assert }) => {
    const { workspace, channel, agents } = await rig({}, 1)
    await online(workspace, agents)
    const { conversation } = await conversationIn(channel, { status: 'pending' })
    await Conversation.query().where('id', conversation.id).update({ status: 'open' })
    await hooks.emit('conversation.statusChanged', { workspaceId: workspace.id, conversationId: conversation.id, status: 'open', previousStatus: 'pending', actorId: null })
    assert.equal(await assigneeOf(conversation), agents[0].id)
  })

  test('the settings form: owners and admins turn it on with a capacity and a team; bad input is a 422', async ({ client, assert }) => {
    const { workspace, owner, base } = await inboxWorkspace('owner')
    const agent = await addMember(workspace, 'agent')
    const team = await Team.create({ workspaceId: workspace.id, name: 'Sales' })
    const other = await inboxWorkspace('owner')
    const foreign = await Team.create({ workspaceId: other.workspace.id, name: 'Theirs' })
    const post = (form: Record<string, unknown>, user = owner) =>
      client.post(`${base}/settings/auto-assignment`).form(form).header('accept', 'application/json').loginAs(user).withCsrfToken().redirects(0)

    const page = await client.get(`${base}/settings`).loginAs(owner)
    assert.include(page.text(), 'data-testid="auto-assign"')
    ;(await post({ enabled: 'true', capacity: 3, teamId: team.id })).assertStatus(302)
    assert.deepEqual(await autoAssignmentOf(workspace.id), { enabled: true, capacity: 3, teamId: team.id })
    ;(await post({ capacity: 4, teamId: '' })).assertStatus(302)
    assert.deepEqual(await autoAssignmentOf(workspace.id), { enabled: false, capacity: 4, teamId: null })

    for (const bad of [{ capacity: 0 }, { capacity: 'many' }, { capacity: 2, teamId: foreign.id }]) {
      const refused = await post(bad)
      refused.assertStatus(422)
      assert.oneOf(refused.body().errors[0].field, ['capacity', 'teamId'])
    }
    ;(await post({ capacity: 2 }, agent)).assertStatus(403)
    assert.equal((await autoAssignmentOf(workspace.id)).capacity, 4)
  })
})
