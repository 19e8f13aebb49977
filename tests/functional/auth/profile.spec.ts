import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { workspaceWithMember } from '#database/factories/index'

test.group('Profile', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  // The signed-in user is read from a per-process cache: a save must be seen at once.
  test('a new name and language show on the very next page', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    const before = await client.get(`/w/${workspace.slug}`).loginAs(user)
    assert.include(before.text(), user.fullName)

    const save = await client
      .put('/settings/profile')
      .form({ fullName: 'Renamed Person', locale: 'ru' })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    save.assertStatus(302)

    const after = await client.get(`/w/${workspace.slug}`).loginAs(user)
    assert.include(after.text(), 'Renamed Person')
    assert.include(after.text(), 'lang="ru"')
  })
})
