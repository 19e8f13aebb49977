import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import { pluginEnablement } from '#plugins/enablement'
import AuditLog from '#audit/audit_log'
import { workspaceWithMember } from '#database/factories/index'

/* "Remove data" for the fixture plugin sample-notes, which declares data: { tables: ['sample_notes'] }. */
test.group('Removing a plugin’s data from one workspace', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function notesIn(workspaceId: number) {
    return db.from('sample_notes').where('workspace_id', workspaceId).count('* as total').first().then((row) => Number(row.total))
  }

  test('offers an export, refuses while the plugin is on, then deletes only that workspace’s rows', async ({ client, assert }) => {
    const a = await workspaceWithMember('admin')
    const b = await workspaceWithMember('admin')
    for (const { workspace, user } of [a, b]) {
      await pluginEnablement.enable(workspace, 'sample-notes', user.id)
      await hooks.emit('member.joined', { workspaceId: workspace.id, userId: 7, role: 'agent', invitedById: null })
    }

    const exported = await client.get(`/w/${a.workspace.slug}/plugins/sample-notes/data`).loginAs(a.user)
    exported.assertStatus(200)
    assert.include(exported.header('content-disposition'), 'attachment')
    assert.lengthOf(exported.body().tables.sample_notes, 1)
    assert.equal(exported.body().tables.sample_notes[0].body, 'user 7 joined')

    const whileOn = await client
      .delete(`/w/${a.workspace.slug}/plugins/sample-notes/data`)
      .header('accept', 'application/json')
      .loginAs(a.user)
      .withCsrfToken()
    whileOn.assertStatus(409)
    assert.equal(await notesIn(a.workspace.id), 1)

    await pluginEnablement.disable(a.workspace, 'sample-notes', a.user.id)
    const removed = await client
      .delete(`/w/${a.workspace.slug}/plugins/sample-notes/data`)
      .loginAs(a.user)
      .withCsrfToken()
      .redirects(0)
    removed.assertStatus(302)
    assert.equal(await notesIn(a.workspace.id), 0)
    assert.equal(await notesIn(b.workspace.id), 1, 'the other workspace keeps its rows')
    const audit = await AuditLog.query().where('action', 'plugin.data_removed').where('workspace_id', a.workspace.id).firstOrFail()
    assert.deepEqual(audit.meta.deleted, { sample_notes: 1 })
  })
})
