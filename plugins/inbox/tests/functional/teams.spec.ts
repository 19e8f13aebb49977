import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import { hooks } from '#hooks/bus'
import { addMember } from '#database/factories/index'
import Conversation from '#messaging/models/conversation'
import Team from '#inbox/models/team'
import { ping, savePreferences } from '#inbox/services/presence'
import { conversationIn, inboxWorkspace } from '#inbox/tests/support'

const assigned: Record<string, unknown>[] = []
hooks.tap('conversation.assigned', { plugin: 'core' }, (payload) => void assigned.push(payload))

const memberIds = async (team: Team) =>
  (await db.from('inbox_team_members').where('team_id', team.id).orderBy('user_id').select('user_id')).map((row) => row.user_id)

test.group('Inbox: teams', (group) => {
  group.each.setup(() => {
    // Ids come again after other files truncate: what was heard before this test is forgotten.
    assigned.length = 0
    return testUtils.db().withGlobalTransaction()
  })

  test('an admin creates a team with members, renames it, changes its members and deletes it', async ({ client, assert }) => {
    const { workspace, user: admin, base } = await inboxWorkspace('admin')
    const anna = await addMember(workspace, 'agent')
    const boris = await addMember(workspace, 'agent')
    await anna.merge({ fullName: 'Anna Agent' }).save()

    const page = await client.get(`${base}/settings`).loginAs(admin)
    page.assertStatus(200)
    assert.include(page.text(), 'data-testid="teams-empty"')
    assert.include(page.text(), `data-team-member="${anna.id}"`)

    // Each member who could join shows their presence: Anna's page pings, Boris's too but he is away, Carla's does not.
    const carla = await addMember(workspace, 'agent')
    await redis.del(`inbox:online:${workspace.id}`)
    await Promise.all([ping(workspace.id, anna.id), ping(workspace.id, boris.id), savePreferences(boris.id, { away: true })])
    const dots = (await client.get(`${base}/settings`).loginAs(admin)).text()
    const presenceOfMember = (id: number) => dots.match(new RegExp(`data-team-member="${id}"[\\s\\S]*?data-presence="(\\w+)"`))?.[1]
    assert.deepEqual([anna.id, boris.id, carla.id].map(presenceOfMember), ['online', 'away', 'offline'])

    const created = await client.post(`${base}/settings/teams`).form({ name: 'Sales', 'members[]': [anna.id, boris.id] }).loginAs(admin).withCsrfToken().redirects(0)
    created.assertStatus(302)
    const team = await Team.query().where('workspace_id', workspace.id).firstOrFail()
    assert.equal(team.name, 'Sales')
    assert.deepEqual(await memberIds(team), [anna.id, boris.id].sort((a, b) => a - b))

    ;(await client.put(`${base}/settings/teams/${team.id}`).form({ name: 'Sales EU', 'members[]': [anna.id] }).loginAs(admin).withCsrfToken().redirects(0)).assertStatus(302)
    await team.refresh()
    assert.equal(team.name, 'Sales EU')
    assert.deepEqual(await memberIds(team), [anna.id])
    const listed = await client.get(`${base}/settings`).loginAs(admin)
    assert.include(listed.text(), `data-team-card="${team.id}"`)
    assert.include(listed.text(), 'Sales EU')
    assert.include(listed.text(), '1 member')

    // No members at all is allowed (a team being set up).
    ;(await client.put(`${base}/settings/teams/${team.id}`).form({ name: 'Sales EU' }).loginAs(admin).withCsrfToken().redirects(0)).assertStatus(302)
    assert.deepEqual(await memberIds(team), [])

    ;(await client.delete(`${base}/settings/teams/${team.id}`).loginAs(admin).withCsrfToken().redirects(0)).assertStatus(302)
    assert.isNull(await Team.find(team.id))
  })

  test('names are unique per workspace whatever their case; bad input is a 422 naming the field', async ({ client, assert }) => {
    const { workspace, user: admin, base } = await inboxWorkspace('admin')
    const other = await inboxWorkspace('owner')
    const viewer = await addMember(workspace, 'viewer')
    await Team.create({ workspaceId: workspace.id, name: 'Support' })
    await Team.create({ workspaceId: other.workspace.id, name: 'Billing' })
    const post = (form: Record<string, unknown>) => client.post(`${base}/settings/teams`).form(form).header('accept', 'application/json').loginAs(admin).withCsrfToken().redirects(0)

    const taken = await post({ name: 'support' })
    taken.assertStatus(422)
    assert.equal(taken.body().errors[0].field, 'name')
    // Another workspace's name is free here.
    ;(await post({ name: 'Billing' })).assertStatus(302)
    ;(await post({ name: '' })).assertStatus(422)
    ;(await post({ name: 'x'.repeat(61) })).assertStatus(422)
    ;(await post({ name: 'Ops', 'members[]': ['abc'] })).assertStatus(422)

    // Only members who may reply: a viewer, or someone of another workspace, is refused.
    for (const id of [viewer.id, other.user.id]) {
      const refused = await post({ name: 'Ops', 'members[]': [id] })
      refused.assertStatus(422)
      assert.equal(refused.body().errors[0].field, 'members')
    }
    assert.isNull(await Team.query().where('workspace_id', workspace.id).where('name', 'Ops').first())
  })

  test('teams are for owners and admins (403 for an agent); another workspace’s team is a 404', async ({ client }) => {
    const { workspace, base } = await inboxWorkspace('owner')
    const agent = await addMember(workspace, 'agent')
    const other = await inboxWorkspace('owner')
    const foreign = await Team.create({ workspaceId: other.workspace.id, name: 'Theirs' })
    const admin = await addMember(workspace, 'admin')

    ;(await client.get(`${base}/settings`).loginAs(agent)).assertStatus(403)
    ;(await client.post(`${base}/settings/teams`).form({ name: 'X' }).loginAs(agent).withCsrfToken()).assertStatus(403)
    ;(await client.put(`${base}/settings/teams/${foreign.id}`).form({ name: 'Mine' }).loginAs(admin).withCsrfToken()).assertStatus(404)
    ;(await client.delete(`${base}/settings/teams/${foreign.id}`).loginAs(admin).withCsrfToken()).assertStatus(404)
  })

  test('a conversation is assigned to a team and an agent: the header and list show the team, the list filters by it, the hook carries it', async ({ client, assert }) => {
    const { workspace, user: agent, channel, base } = await inboxWorkspace('agent')
    const sales = await Team.create({ workspaceId: workspace.id, name: 'Sales' })
    const support = await Team.create({ workspaceId: workspace.id, name: 'Support' })
    const other = await inboxWorkspace('owner')
    const foreign = await Team.create({ workspaceId: other.workspace.id, name: 'Theirs' })
    const { conversation } = await conversationIn(channel, { name: 'Team Person' })
    const { conversation: elsewhere } = await conversationIn(channel, { name: 'Other Person' })
    const url = `${base}/conversations/${conversation.id}/assignment`
    const assign = (form: Record<string, unknown>) => client.post(url).form(form).header('hx-request', 'true').loginAs(agent).withCsrfToken()

    const menu = await client.get(`${base}/conversations/${conversation.id}/header`).header('hx-request', 'true').loginAs(agent)
    assert.include(menu.text(), `data-assign-team="${sales.id}"`)
    assert.notInclude(menu.text(), 'Theirs')

    const toTeam = await assign({ teamId: sales.id })
    toTeam.assertStatus(200)
    assert.include(toTeam.text(), 'Team: Sales')
    assert.include(toTeam.text(), 'Unassigned', 'the agent stays as it was')
    ;(await assign({ assigneeId: agent.id })).assertStatus(200)
    const conv = await Conversation.findOrFail(conversation.id)
    assert.equal(conv.assigneeId, agent.id)

    const filtered = await client.get(`${base}?team=${sales.id}`).header('hx-request', 'true').loginAs(agent)
    assert.include(filtered.text(), 'Team Person')
    assert.notInclude(filtered.text(), 'Other Person')
    assert.include(filtered.text(), 'data-team')
    const page = await client.get(base).loginAs(agent)
    assert.include(page.text(), 'data-testid="filter-team"')

    ;(await assign({ teamId: support.id })).assertStatus(200)
    const none = await assign({ teamId: '' })
    assert.notInclude(none.text(), 'data-team')
    const refused = await assign({ teamId: foreign.id })
    refused.assertStatus(422)
    assert.equal(refused.body().errors[0].field, 'teamId')
    ;(await assign({})).assertStatus(422)

    const mine = assigned.filter((event) => event.conversationId === conversation.id)
    assert.deepEqual(
      mine.map((event) => [event.teamId, event.previousTeamId, event.assigneeId, event.previousAssigneeId]),
      [[sales.id, null, null, null], [sales.id, sales.id, agent.id, null], [support.id, sales.id, agent.id, agent.id], [null, support.id, agent.id, agent.id]]
    )
    assert.isEmpty(assigned.filter((event) => event.conversationId === elsewhere.id))
  })

  test('a member who leaves the workspace leaves its teams', async ({ assert }) => {
    const { workspace } = await inboxWorkspace('owner')
    const agent = await addMember(workspace, 'agent')
    const team = await Team.create({ workspaceId: workspace.id, name: 'Night shift' })
    await db.table('inbox_team_members').insert({ workspace_id: workspace.id, team_id: team.id, user_id: agent.id })
    await hooks.emit('member.removed', { workspaceId: workspace.id, userId: agent.id, removedById: null })
    assert.deepEqual(await memberIds(team), [])
  })
})
