import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { PluginDisableRefused, pluginEnablement } from '#plugins/enablement'
import { HookBus } from '#hooks/bus'
import { coreHooks } from '#hooks/catalogue'
import AuditLog from '#audit/audit_log'
import { workspaceWithMember } from '#database/factories/index'
import { useFixturePlugins } from '#tests/helpers/plugins'

/*
| Per-workspace enablement against the real database, with the fixture plugins
| messaging ← inbox ← bots (each requires the previous).
*/
test.group('Plugin enablement per workspace', (group) => {
  useFixturePlugins(group, 'chain')
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('enabling a plugin enables the chain it requires, in that workspace only', async ({ assert }) => {
    const a = await workspaceWithMember('owner')
    const b = await workspaceWithMember('owner')

    const turnedOn = await pluginEnablement.enable(a.workspace, 'bots', a.user.id)
    assert.deepEqual(turnedOn, ['messaging', 'inbox', 'bots'])
    assert.deepEqual([...(await pluginEnablement.enabledIn(a.workspace.id))].sort(), ['bots', 'inbox', 'messaging'])
    assert.equal((await pluginEnablement.enabledIn(b.workspace.id)).size, 0)
    assert.isTrue(pluginEnablement.isEnabled('inbox', a.workspace.id))
    assert.isFalse(pluginEnablement.isEnabled('inbox', b.workspace.id))

    const audited = await AuditLog.query().where('workspace_id', a.workspace.id).where('action', 'plugin.enabled')
    assert.lengthOf(audited, 3)
  })

  test('a plugin that enabled plugins require cannot be disabled; the message names them', async ({ assert }) => {
    const { workspace, user } = await workspaceWithMember('owner')
    await pluginEnablement.enable(workspace, 'bots', user.id)

    const refusal = await pluginEnablement.disable(workspace, 'messaging', user.id).catch((error) => error)
    assert.instanceOf(refusal, PluginDisableRefused)
    assert.deepEqual(refusal.blockers.sort(), ['bots', 'inbox'])
    assert.include(refusal.message, 'bots')
    assert.isTrue(pluginEnablement.isEnabled('messaging', workspace.id))

    await pluginEnablement.disable(workspace, 'bots', user.id)
    await pluginEnablement.disable(workspace, 'inbox', user.id)
    await pluginEnablement.disable(workspace, 'messaging', user.id)
    assert.equal((await pluginEnablement.enabledIn(workspace.id)).size, 0)
  })

  test('a plugin’s tap runs in the workspace that enabled it and not in the other', async ({ assert }) => {
    const a = await workspaceWithMember('owner')
    const b = await workspaceWithMember('owner')
    await pluginEnablement.enable(a.workspace, 'messaging', a.user.id)

    const bus = new HookBus().define('member.joined', coreHooks['member.joined'])
    bus.setGate((plugin, workspaceId) => pluginEnablement.isEnabled(plugin, workspaceId))
    const seen: number[] = []
    bus.tap('member.joined', { plugin: 'messaging' }, async ({ workspaceId }) => {
      seen.push(workspaceId)
    })
    const joined = (workspaceId: number) => ({ workspaceId, userId: 1, role: 'agent' as const, invitedById: null })
    await Promise.all([bus.emit('member.joined', joined(a.workspace.id)), bus.emit('member.joined', joined(b.workspace.id))])
    assert.deepEqual(seen, [a.workspace.id])

    await pluginEnablement.disable(a.workspace, 'messaging', a.user.id)
    await bus.emit('member.joined', joined(a.workspace.id))
    assert.deepEqual(seen, [a.workspace.id], 'disabled: the tap is skipped')
  })
})

test.group('The Plugins page', (group) => {
  useFixturePlugins(group, 'chain')
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('admins see every plugin, turn one on with its chain, and are told why another cannot go off', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('admin')
    const page = await client.get(`/w/${workspace.slug}/plugins`).loginAs(user)
    page.assertStatus(200)
    assert.include(page.text(), 'data-plugin="bots"')
    assert.include(page.text(), 'Also turns on: messaging, inbox')

    const on = await client
      .post(`/w/${workspace.slug}/plugins/bots/enable`)
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    on.assertStatus(302)
    assert.isTrue(pluginEnablement.isEnabled('messaging', workspace.id))

    const refused = await client
      .post(`/w/${workspace.slug}/plugins/messaging/disable`)
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    refused.assertStatus(409)
    assert.sameMembers(refused.body().errors[0].blockers, ['inbox', 'bots'])
    assert.isTrue(pluginEnablement.isEnabled('messaging', workspace.id))
  })

  test('agents may not manage plugins; unknown plugins are 404', async ({ client }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    const page = await client.get(`/w/${workspace.slug}/plugins`).loginAs(user)
    page.assertStatus(403)
    const admin = await workspaceWithMember('admin')
    const unknown = await client
      .post(`/w/${admin.workspace.slug}/plugins/nope/enable`)
      .header('accept', 'application/json')
      .loginAs(admin.user)
      .withCsrfToken()
    unknown.assertStatus(404)
  })
})
