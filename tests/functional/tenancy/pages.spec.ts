import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { addMember, makeOrganizationStaff, workspaceWithMember } from '#database/factories/index'
import { inviteMember } from '#tenancy/actions/invite_member'
import { issueApiToken } from '#auth/api_tokens'
import { notify } from '#notifications/notify'

test.group('Admin pages', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('every page of the shell renders for an owner who is organization staff', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('owner')
    await makeOrganizationStaff(workspace, user, 'owner')
    // Some content on each list, so the rows render too.
    await inviteMember({ workspace, email: 'new@example.com', role: 'agent', invitedBy: user })
    await issueApiToken(user, workspace, 'ci', ['workspace.view'])
    await notify({ userId: user.id, workspaceId: workspace.id, title: 'Hello there' })

    const pages = [
      `/w/${workspace.slug}`,
      `/w/${workspace.slug}/settings`,
      `/w/${workspace.slug}/members`,
      `/w/${workspace.slug}/api-tokens`,
      `/w/${workspace.slug}/audit`,
      `/w/${workspace.slug}/branding`,
      `/w/${workspace.slug}/jobs`,
      `/w/${workspace.slug}/plugins`,
      `/w/${workspace.slug}/diagnostics/hooks`,
      `/w/${workspace.slug}/plugins/sample-notes/settings`,
      '/settings/profile',
      '/settings/security',
      '/settings/two-factor',
      '/notifications',
    ]
    for (const url of pages) {
      const response = await client.get(url).loginAs(user)
      assert.equal(response.status(), 200, `${url} answers 200`)
      assert.include(response.text(), '<html', `${url} is a full page`)
      assert.notMatch(response.text(), /@!?[a-zA-Z_.]+\(/, `${url} has no unrendered Edge tag`)
    }
  })

  test('the workspace switcher lists every workspace the user can open', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    const other = await workspaceWithMember('owner')
    const list = await client.get(`/workspaces/switcher?current=${workspace.slug}`).loginAs(user)
    list.assertStatus(200)
    assert.include(list.text(), `/w/${workspace.slug}`)
    assert.notInclude(list.text(), `/w/${other.workspace.slug}`)
  })

  test('the bell partial renders alone for HTMX', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    await notify({ userId: user.id, workspaceId: workspace.id, title: 'A customer wrote' })
    const partial = await client.get('/notifications').header('hx-request', 'true').loginAs(user)
    partial.assertStatus(200)
    assert.include(partial.text(), 'A customer wrote')
    assert.notInclude(partial.text(), '<html')
  })

  test('the bell counts unread notifications on every page: a new one adds, "mark all read" clears', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    const bell = async () => {
      const page = await client.get(`/w/${workspace.slug}`).loginAs(user)
      return Number(/notificationBell\(\d+, (\d+)\)/.exec(page.text())?.[1])
    }
    assert.equal(await bell(), 0)
    await notify({ userId: user.id, workspaceId: workspace.id, title: 'One' })
    await notify({ userId: user.id, workspaceId: workspace.id, title: 'Two' })
    assert.equal(await bell(), 2)
    ;(await client.post('/notifications/read').header('hx-request', 'true').loginAs(user).withCsrfToken()).assertStatus(204)
    assert.equal(await bell(), 0)
  })

  test('the dashboard counts the workspace’s members, a new one at once', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    const members = async () => {
      const page = await client.get(`/w/${workspace.slug}`).loginAs(user)
      return /dashboard-members">(\d+)</.exec(page.text())?.[1]
    }
    assert.equal(await members(), '1')
    await addMember(workspace, 'viewer')
    assert.equal(await members(), '2')
  })

  test('guest pages render their forms', async ({ client, assert }) => {
    for (const [url, field] of [['/login', 'password'], ['/signup', 'organizationName'], ['/forgot-password', 'email']]) {
      const response = await client.get(url)
      response.assertStatus(200)
      assert.match(response.text(), new RegExp(`<input[^>]+name="${field}"`), `${url} has its ${field} input`)
    }
  })

  test('the interface speaks Russian to a user who chose it', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    user.locale = 'ru'
    await user.save()
    const page = await client.get(`/w/${workspace.slug}`).loginAs(user)
    assert.include(page.text(), 'Обзор')
    const guest = await client.get('/login').header('accept-language', 'ru-RU,ru;q=0.9')
    assert.include(guest.text(), 'Вход')
  })
})

test.group('New workspaces', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('organization staff add a workspace to their organization from the switcher', async ({ client, assert }) => {
    const { default: Workspace } = await import('#tenancy/models/workspace')
    const { user, workspace } = await workspaceWithMember('owner')
    await makeOrganizationStaff(workspace, user, 'admin')
    const dashboard = await client.get(`/w/${workspace.slug}`).loginAs(user)
    assert.include(dashboard.text(), 'name="name"')

    const created = await client
      .post(`/w/${workspace.slug}/workspaces`)
      .form({ name: 'Second Client' })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    const fresh = await Workspace.findByOrFail('name', 'Second Client')
    created.assertHeader('location', `/w/${fresh.slug}`)
    assert.equal(fresh.organizationId, workspace.organizationId)
  })

  test('a workspace owner who is not organization staff cannot', async ({ client }) => {
    const { user, workspace } = await workspaceWithMember('owner')
    const refused = await client
      .post(`/w/${workspace.slug}/workspaces`)
      .form({ name: 'Sneaky' })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    refused.assertStatus(403)
  })
})
