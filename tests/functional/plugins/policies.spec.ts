import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Workspace from '#tenancy/models/workspace'
import { pluginEnablement } from '#plugins/enablement'
import { addMember, makeOrganizationStaff, workspaceWithMember } from '#database/factories/index'

/* The fixture plugin sample-notes (installed in test runs) stands for any plugin. */
test.group('Organization plugin policies', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function agency() {
    const { user: staff, workspace } = await workspaceWithMember('owner')
    await makeOrganizationStaff(workspace, staff, 'owner')
    return { staff, workspace }
  }

  test('new workspaces start with the plugins the organization chose', async ({ client, assert }) => {
    const { staff, workspace } = await agency()
    await client
      .put(`/w/${workspace.slug}/plugins/sample-notes/policy`)
      .form({ enabledByDefault: 'true' })
      .loginAs(staff)
      .withCsrfToken()
      .redirects(0)

    await client.post(`/w/${workspace.slug}/workspaces`).form({ name: 'Fresh Client' }).loginAs(staff).withCsrfToken().redirects(0)
    const fresh = await Workspace.findByOrFail('name', 'Fresh Client')
    assert.isTrue((await pluginEnablement.enabledIn(fresh.id)).has('sample-notes'))
    assert.isFalse((await pluginEnablement.enabledIn(workspace.id)).has('sample-notes'), 'existing workspaces are unchanged')
  })

  test('a hidden plugin is invisible to a client workspace’s admins, not to the agency', async ({ client, assert }) => {
    const { staff, workspace } = await agency()
    const clientAdmin = await addMember(workspace, 'admin')
    await client
      .put(`/w/${workspace.slug}/plugins/sample-notes/policy`)
      .form({ hidden: 'true' })
      .loginAs(staff)
      .withCsrfToken()
      .redirects(0)

    const clientView = await client.get(`/w/${workspace.slug}/plugins`).loginAs(clientAdmin)
    assert.notInclude(clientView.text(), 'data-plugin="sample-notes"')
    const sneaky = await client
      .post(`/w/${workspace.slug}/plugins/sample-notes/enable`)
      .header('accept', 'application/json')
      .loginAs(clientAdmin)
      .withCsrfToken()
    sneaky.assertStatus(404)
    assert.isFalse((await pluginEnablement.enabledIn(workspace.id)).has('sample-notes'))

    const agencyView = await client.get(`/w/${workspace.slug}/plugins`).loginAs(staff)
    assert.include(agencyView.text(), 'data-plugin="sample-notes"')
  })

  test('only organization staff set policies', async ({ client }) => {
    const { user, workspace } = await workspaceWithMember('owner')
    const response = await client
      .put(`/w/${workspace.slug}/plugins/sample-notes/policy`)
      .form({ hidden: 'true' })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(403)
  })
})
