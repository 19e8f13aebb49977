import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import redis from '@adonisjs/redis/services/main'
import { addMember, workspaceWithMember } from '#database/factories/index'

test.group('Audit log', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(async () => {
    const keys = await redis.keys('*login_*')
    if (keys.length) await redis.del(keys)
  })

  test('admins see their workspace’s security events, filterable, and nothing of another workspace', async ({ client, assert }) => {
    const { user: admin, workspace } = await workspaceWithMember('admin')
    const agent = await addMember(workspace, 'agent')
    const other = await workspaceWithMember('owner')
    // Fixed names: a random one with an apostrophe is HTML-escaped on the page (O&#39;Keefe).
    await agent.merge({ fullName: 'Ada Agent' }).save()
    await other.user.merge({ fullName: 'Otto Outsider' }).save()

    await client.post('/login').form({ email: agent.email, password: 'wrong' }).withCsrfToken().redirects(0)
    await client.post('/login').form({ email: other.user.email, password: 'wrong' }).withCsrfToken().redirects(0)
    await client
      .post(`/w/${workspace.slug}/invitations`)
      .form({ email: 'invitee@example.com', role: 'viewer' })
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)

    const page = await client.get(`/w/${workspace.slug}/audit`).loginAs(admin)
    page.assertStatus(200)
    assert.include(page.text(), 'data-action="auth.login_failed"')
    assert.include(page.text(), 'data-action="member.invited"')
    assert.include(page.text(), agent.fullName)
    assert.notInclude(page.text(), other.user.fullName)

    const filtered = await client.get(`/w/${workspace.slug}/audit?action=member.invited`).loginAs(admin)
    assert.notInclude(filtered.text(), 'data-action="auth.login_failed"')
    assert.include(filtered.text(), 'data-action="member.invited"')

    const bad = await client.get(`/w/${workspace.slug}/audit?action=nonsense`).header('accept', 'application/json').loginAs(admin)
    bad.assertStatus(422)
  })

  test('agents may not read it', async ({ client }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    const response = await client.get(`/w/${workspace.slug}/audit`).loginAs(user)
    response.assertStatus(403)
  })
})
