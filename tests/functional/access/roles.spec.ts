import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Membership from '#tenancy/models/membership'
import Invitation from '#tenancy/models/invitation'
import Workspace from '#tenancy/models/workspace'
import { addMember, makeOrganizationStaff, workspaceWithMember } from '#database/factories/index'
import type User from '#auth/models/user'

async function membershipOf(workspace: Workspace, user: User) {
  return Membership.query().where('workspace_id', workspace.id).where('user_id', user.id).firstOrFail()
}

test.group('Roles: what each role may open and change', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a viewer sees the dashboard but not the workspace settings, and cannot change them', async ({ client, assert }) => {
    const { workspace, user: viewer } = await workspaceWithMember('viewer')
    const originalName = workspace.name

    const dashboard = await client.get(`/w/${workspace.slug}`).loginAs(viewer).redirects(0)
    dashboard.assertStatus(200)

    const settings = await client
      .get(`/w/${workspace.slug}/settings`)
      .loginAs(viewer)
      .header('accept', 'application/json')
      .redirects(0)
    settings.assertStatus(403)

    const update = await client
      .put(`/w/${workspace.slug}/settings`)
      .json({ name: 'Taken Over', timezone: 'UTC', locale: 'en' })
      .loginAs(viewer)
      .withCsrfToken()
      .header('accept', 'application/json')
      .redirects(0)
    update.assertStatus(403)

    await workspace.refresh()
    assert.equal(workspace.name, originalName)
  })

  test('an agent sees the members page but cannot invite', async ({ client, assert }) => {
    const { workspace, user: agent } = await workspaceWithMember('agent')

    const members = await client.get(`/w/${workspace.slug}/members`).loginAs(agent).redirects(0)
    members.assertStatus(200)

    const invite = await client
      .post(`/w/${workspace.slug}/invitations`)
      .json({ email: 'newcomer@example.com', role: 'viewer' })
      .loginAs(agent)
      .withCsrfToken()
      .header('accept', 'application/json')
      .redirects(0)
    invite.assertStatus(403)
    assert.lengthOf(await Invitation.query().where('workspace_id', workspace.id), 0)
  })

  test('an admin can rename the workspace', async ({ client, assert }) => {
    const { workspace, user: admin } = await workspaceWithMember('admin')

    const response = await client
      .put(`/w/${workspace.slug}/settings`)
      .form({ name: 'Renamed Support', timezone: 'Europe/Berlin', locale: 'en' })
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)

    assert.oneOf(response.status(), [200, 302])
    await workspace.refresh()
    assert.equal(workspace.name, 'Renamed Support')
    assert.equal(workspace.timezone, 'Europe/Berlin')
  })

  test('an admin cannot promote a member to owner; an owner can', async ({ client, assert }) => {
    const { workspace, user: owner } = await workspaceWithMember('owner')
    const admin = await addMember(workspace, 'admin')
    const agent = await addMember(workspace, 'agent')
    const agentMembership = await membershipOf(workspace, agent)

    const byAdmin = await client
      .put(`/w/${workspace.slug}/members/${agentMembership.id}`)
      .json({ role: 'owner' })
      .loginAs(admin)
      .withCsrfToken()
      .header('accept', 'application/json')
      .redirects(0)
    byAdmin.assertStatus(403)
    await agentMembership.refresh()
    assert.equal(agentMembership.role, 'agent')

    const byOwner = await client
      .put(`/w/${workspace.slug}/members/${agentMembership.id}`)
      .form({ role: 'owner' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    assert.oneOf(byOwner.status(), [200, 302])
    await agentMembership.refresh()
    assert.equal(agentMembership.role, 'owner')
  })

  test('the last owner cannot be demoted', async ({ client, assert }) => {
    const { workspace, user: owner } = await workspaceWithMember('owner')
    const ownMembership = await membershipOf(workspace, owner)

    const response = await client
      .put(`/w/${workspace.slug}/members/${ownMembership.id}`)
      .json({ role: 'admin' })
      .loginAs(owner)
      .withCsrfToken()
      .header('accept', 'application/json')
      .redirects(0)

    response.assertStatus(422)
    const fields = response.body().errors.map((e: { field?: string }) => e.field)
    assert.include(fields, 'role')
    await ownMembership.refresh()
    assert.equal(ownMembership.role, 'owner')

    const removal = await client
      .delete(`/w/${workspace.slug}/members/${ownMembership.id}`)
      .loginAs(owner)
      .withCsrfToken()
      .header('accept', 'application/json')
      .redirects(0)
    removal.assertStatus(422)
    assert.isNotNull(await Membership.find(ownMembership.id))
  })

  test('an admin cannot remove an owner', async ({ client, assert }) => {
    const { workspace, user: owner } = await workspaceWithMember('owner')
    await addMember(workspace, 'owner')
    const admin = await addMember(workspace, 'admin')
    const ownerMembership = await membershipOf(workspace, owner)

    const response = await client
      .delete(`/w/${workspace.slug}/members/${ownerMembership.id}`)
      .loginAs(admin)
      .withCsrfToken()
      .header('accept', 'application/json')
      .redirects(0)

    response.assertStatus(403)
    assert.isNotNull(await Membership.find(ownerMembership.id))
  })

  test('branding is for organization staff only, not for a workspace admin', async ({ client }) => {
    const { workspace, user: admin } = await workspaceWithMember('admin')

    const refused = await client
      .get(`/w/${workspace.slug}/branding`)
      .loginAs(admin)
      .header('accept', 'application/json')
      .redirects(0)
    refused.assertStatus(403)

    const { user: staffer } = await workspaceWithMember('owner')
    await makeOrganizationStaff(workspace, staffer, 'admin')
    const allowed = await client.get(`/w/${workspace.slug}/branding`).loginAs(staffer).redirects(0)
    allowed.assertStatus(200)
  })

  test('the sidebar hides what the role may not open', async ({ client, assert }) => {
    const { workspace, user: viewer } = await workspaceWithMember('viewer')
    const admin = await addMember(workspace, 'admin')
    const membersHref = `href="/w/${workspace.slug}/members"`
    const settingsHref = `href="/w/${workspace.slug}/settings"`

    const asViewer = await client.get(`/w/${workspace.slug}`).loginAs(viewer).redirects(0)
    asViewer.assertStatus(200)
    const viewerHtml = asViewer.text()
    assert.notInclude(viewerHtml, 'data-nav="members"')
    assert.notInclude(viewerHtml, 'data-nav="settings"')
    assert.notInclude(viewerHtml, membersHref)
    assert.notInclude(viewerHtml, settingsHref)

    const asAdmin = await client.get(`/w/${workspace.slug}`).loginAs(admin).redirects(0)
    asAdmin.assertStatus(200)
    const adminHtml = asAdmin.text()
    assert.include(adminHtml, 'data-nav="members"')
    assert.include(adminHtml, 'data-nav="settings"')
    assert.include(adminHtml, membersHref)
    assert.include(adminHtml, settingsHref)
    // Organization-only pages stay hidden from a workspace admin.
    assert.notInclude(adminHtml, 'data-nav="branding"')
  })
})
