import { test } from '@japa/runner'
import { abilities } from '#access/roles'

test.group('Ability registry', () => {
  test('core roles hold what their job needs and nothing more', ({ assert }) => {
    assert.isTrue(abilities.allows('viewer', 'workspace.view'))
    assert.isFalse(abilities.allows('viewer', 'members.view'))
    assert.isTrue(abilities.allows('agent', 'members.view'))
    assert.isFalse(abilities.allows('agent', 'members.manage'))
    assert.isTrue(abilities.allows('admin', 'members.manage'))
    assert.isTrue(abilities.allows('owner', 'tokens.manage'))
  })

  test('organization abilities come only from organization staff roles', ({ assert }) => {
    assert.isFalse(abilities.allows('owner', 'organization.manage'))
    assert.isTrue(abilities.allows('viewer', 'organization.manage', 'admin'))
    assert.isTrue(abilities.allows('agent', 'jobs.manage', 'owner'))
  })

  test('an unknown ability is refused, and a name cannot be registered twice', ({ assert }) => {
    assert.isFalse(abilities.allows('owner', 'nuclear.launch'))
    assert.throws(() => abilities.register('workspace.view', { description: 'again', roles: [] }), /registered twice/)
  })

  test('plugins extend the registry', ({ assert }) => {
    abilities.register('unit_test_plugin.use', { description: 'Use the test plugin', roles: ['agent'] })
    assert.isTrue(abilities.allows('agent', 'unit_test_plugin.use'))
    assert.include(abilities.forRole('agent'), 'unit_test_plugin.use')
    assert.notInclude(abilities.forRole('viewer'), 'unit_test_plugin.use')
  })
})
