import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { hooks } from '#hooks/bus'
import { pluginEnablement } from '#plugins/enablement'
import { issueApiToken } from '#auth/api_tokens'
import { workspaceWithMember } from '#database/factories/index'
import { jobs } from '#jobs/registry'
import db from '@adonisjs/lucid/services/db'

/*
| The fixture plugin tests/fixtures/installed/sample-notes is installed in test runs. It is
| enabled in workspace A only; everything it brings must exist in A and nowhere in B.
*/
test.group('A plugin wired by convention, enabled in one workspace only', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function twoWorkspaces() {
    const a = await workspaceWithMember('owner')
    const b = await workspaceWithMember('owner')
    await pluginEnablement.enable(a.workspace, 'sample-notes', a.user.id)
    return { a, b }
  }

  test('its pages, navigation and views exist where it is on, and are 404 where it is off', async ({ client, assert }) => {
    const { a, b } = await twoWorkspaces()

    const page = await client.get(`/w/${a.workspace.slug}/sample-notes`).loginAs(a.user)
    page.assertStatus(200)
    assert.include(page.text(), 'data-testid="notes"')
    assert.include(page.text(), `href="/w/${a.workspace.slug}/sample-notes"`, 'its navigation item shows')

    const hidden = await client.get(`/w/${b.workspace.slug}/sample-notes`).loginAs(b.user)
    hidden.assertStatus(404)
    const dashboard = await client.get(`/w/${b.workspace.slug}`).loginAs(b.user)
    assert.notInclude(dashboard.text(), '/sample-notes', 'no navigation item where it is off')
  })

  test('its API exists only for tokens of the workspace where it is on', async ({ client }) => {
    const { a, b } = await twoWorkspaces()
    const tokenA = await issueApiToken(a.user, a.workspace, 'a', ['workspace.view'])
    const tokenB = await issueApiToken(b.user, b.workspace, 'b', ['workspace.view'])
    const inA = await client.get('/api/v1/sample-notes/notes').header('authorization', `Bearer ${tokenA.secret}`)
    inA.assertStatus(200)
    inA.assertBodyContains({ data: [] })
    const inB = await client.get('/api/v1/sample-notes/notes').header('authorization', `Bearer ${tokenB.secret}`)
    inB.assertStatus(404)
  })

  test('its hook tap runs in the workspace where it is on and not in the other', async ({ client, assert }) => {
    const { a, b } = await twoWorkspaces()
    await hooks.emit('member.joined', { workspaceId: a.workspace.id, userId: 4242, role: 'agent', invitedById: null })
    await hooks.emit('member.joined', { workspaceId: b.workspace.id, userId: 4343, role: 'agent', invitedById: null })

    const page = await client.get(`/w/${a.workspace.slug}/sample-notes`).loginAs(a.user)
    assert.include(page.text(), 'user 4242 joined')
    assert.notInclude(page.text(), 'user 4343 joined')

    await pluginEnablement.enable(b.workspace, 'sample-notes', b.user.id)
    const pageB = await client.get(`/w/${b.workspace.slug}/sample-notes`).loginAs(b.user)
    assert.notInclude(pageB.text(), 'user 4343 joined', 'nothing ran while it was off')
  })

  test('its jobs do their work only where it is on', async ({ assert }) => {
    const { a, b } = await twoWorkspaces()
    const summarise = jobs.definitions().find((job) => job.name === 'sample-notes.summarise')!
    const workers = jobs.startWorkers(1)
    try {
      const runs = [await jobs.dispatch(summarise, { workspaceId: a.workspace.id }), await jobs.dispatch(summarise, { workspaceId: b.workspace.id })]
      for (let i = 0; i < 100; i++) {
        const states = await Promise.all(runs.map((run) => run.getState()))
        if (states.every((state) => state === 'completed')) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      assert.deepEqual(await Promise.all(runs.map((run) => run.getState())), ['completed', 'completed'], 'both jobs ran')
      const notes = await db.from('sample_notes').whereIn('workspace_id', [a.workspace.id, b.workspace.id]).select('workspace_id', 'body')
      assert.deepEqual(notes, [{ workspace_id: a.workspace.id, body: 'daily summary' }])
    } finally {
      await Promise.all(workers.map((worker) => worker.close()))
    }
  })

  test('its language files are loaded', async ({ client, assert }) => {
    const { a } = await twoWorkspaces()
    a.user.locale = 'ru'
    await a.user.save()
    const page = await client.get(`/w/${a.workspace.slug}/sample-notes`).loginAs(a.user)
    assert.include(page.text(), 'Заметки об участниках')
  })
})

test.group('Hook diagnostics', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('organization staff see each hook with its taps, calls and skips', async ({ client, assert }) => {
    const { makeOrganizationStaff } = await import('#database/factories/index')
    const { user, workspace } = await workspaceWithMember('owner')
    await makeOrganizationStaff(workspace, user, 'admin')
    await hooks.emit('member.joined', { workspaceId: workspace.id, userId: 1, role: 'agent', invitedById: null })

    const page = await client.get(`/w/${workspace.slug}/diagnostics/hooks`).loginAs(user)
    page.assertStatus(200)
    assert.include(page.text(), 'data-hook="member.joined"')
    assert.include(page.text(), 'data-tap="sample-notes"')

    const member = await workspaceWithMember('admin')
    const refused = await client.get(`/w/${member.workspace.slug}/diagnostics/hooks`).loginAs(member.user)
    refused.assertStatus(403)
  })
})

test.group('UI slots', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an enabled plugin fills the dashboard.widgets slot; elsewhere, and for roles without its ability, nothing shows', async ({ client, assert }) => {
    const a = await workspaceWithMember('owner')
    const b = await workspaceWithMember('owner')
    await pluginEnablement.enable(a.workspace, 'sample-notes', a.user.id)

    const withWidget = await client.get(`/w/${a.workspace.slug}`).loginAs(a.user)
    assert.include(withWidget.text(), 'data-widget="sample-notes"')
    const without = await client.get(`/w/${b.workspace.slug}`).loginAs(b.user)
    assert.notInclude(without.text(), 'data-widget="sample-notes"')

    const { addMember } = await import('#database/factories/index')
    const viewer = await addMember(a.workspace, 'viewer')
    const viewerPage = await client.get(`/w/${a.workspace.slug}`).loginAs(viewer)
    assert.notInclude(viewerPage.text(), 'data-widget="sample-notes"', 'viewers lack sample-notes.view')
  })
})

test.group('Plugin ace commands', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a plugin’s commands/ are ace commands', async ({ assert }) => {
    const { default: app } = await import('@adonisjs/core/services/app')
    const a = await workspaceWithMember('owner')
    await db.table('sample_notes').insert({ workspace_id: a.workspace.id, body: 'one', created_at: new Date() })
    const ace = await app.container.make('ace')
    ace.ui.switchMode('raw')
    try {
      const command = await ace.exec('sample-notes:count', ['--workspace', String(a.workspace.id)])
      assert.equal(command.exitCode, 0)
      assert.include(command.logger.getLogs().map((log) => log.message).join('\n'), 'notes: 1')
    } finally {
      ace.ui.switchMode('normal')
    }
  })
})

test.group('Plugin realtime channels', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a browser may listen to a plugin’s workspace channel only where it can open the workspace and the plugin is on', async ({ client }) => {
    const a = await workspaceWithMember('owner')
    const b = await workspaceWithMember('owner')
    await pluginEnablement.enable(a.workspace, 'sample-notes', a.user.id)
    const subscribe = (user: typeof a.user, workspaceId: number) =>
      client
        .post('/__transmit/subscribe')
        .json({ uid: `test-${workspaceId}-${user.id}`, channel: `workspaces/${workspaceId}/sample-notes/feed` })
        .loginAs(user)

    ;(await subscribe(a.user, a.workspace.id)).assertStatus(204)
    ;(await subscribe(b.user, b.workspace.id)).assertStatus(400) // plugin off in B
    ;(await subscribe(b.user, a.workspace.id)).assertStatus(400) // not B's workspace
  })
})
