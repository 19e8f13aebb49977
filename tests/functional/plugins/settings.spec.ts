import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { settingsOf } from '#plugins/settings'
import AuditLog from '#audit/audit_log'
import { workspaceWithMember } from '#database/factories/index'

/* The settings form is rendered from the fixture plugin sample-notes' VineJS schema. */
test.group('Plugin settings', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the form shows every field with the current values, and saves valid input', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('admin')
    const form = await client.get(`/w/${workspace.slug}/plugins/sample-notes/settings`).loginAs(user)
    form.assertStatus(200)
    assert.match(form.text(), /<input[^>]+name="greeting"[^>]+value="Welcome"/)
    assert.include(form.text(), '<option value="weekly"')
    assert.match(form.text(), /<input type="checkbox" name="public"/)

    const saved = await client
      .put(`/w/${workspace.slug}/plugins/sample-notes/settings`)
      .form({ greeting: 'Hello team', digest: 'weekly', public: 'true' })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    saved.assertStatus(302)
    assert.deepEqual(await settingsOf(workspace.id, 'sample-notes'), { greeting: 'Hello team', digest: 'weekly', public: true })
    assert.exists(await AuditLog.query().where('action', 'plugin.settings_changed').where('workspace_id', workspace.id).first())
  })

  test('invalid settings are refused field by field and nothing is saved', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('admin')
    const refused = await client
      .put(`/w/${workspace.slug}/plugins/sample-notes/settings`)
      .json({ greeting: 'x', digest: 'hourly' })
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    refused.assertStatus(422)
    assert.sameMembers(
      refused.body().errors.map((error: { field: string }) => error.field),
      ['greeting', 'digest']
    )
    assert.deepEqual(await settingsOf(workspace.id, 'sample-notes'), { greeting: 'Welcome', digest: 'daily' })

    // A plain form post comes back to the form with the message beside the field.
    const back = await client
      .put(`/w/${workspace.slug}/plugins/sample-notes/settings`)
      .form({ greeting: 'x', digest: 'daily' })
      .header('referer', `/w/${workspace.slug}/plugins/sample-notes/settings`)
      .loginAs(user)
      .withCsrfToken()
    assert.match(back.text(), /data-error-for="greeting">[^<]+</)
  })
})
