import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { discoverPlugins, orderByRequirements, type DiscoveredPlugin } from '#plugins/discovery'
import { PluginRegistry } from '#plugins/registry'

/** In-memory plugins: name → names it requires. */
function plugins(graph: Record<string, string[]>) {
  const list = Object.entries(graph).map(
    ([name, requires]) =>
      ({
        name,
        version: '1.0.0',
        requires: { core: null, plugins: Object.fromEntries(requires.map((required) => [required, '^1.0.0'])) },
      }) as DiscoveredPlugin
  )
  return new PluginRegistry(orderByRequirements(list))
}

test.group('Plugin registry', () => {
  test('holds the discovered plugins in dependency order', async ({ assert }) => {
    const registry = new PluginRegistry(await discoverPlugins(app.makePath('tests/fixtures/plugins/chain')))
    assert.deepEqual(registry.names(), ['messaging', 'inbox', 'bots'])
    assert.equal(registry.get('inbox')?.description, 'Shared team inbox (fixture)')
    assert.isUndefined(registry.get('crm'))
    assert.throws(() => registry.getOrFail('crm'), 'Plugin crm is not installed')
  })

  test('requirementsOf and dependentsOf are transitive and ordered', ({ assert }) => {
    // A diamond: inbox and crm need messaging; deals needs both; reports needs deals.
    const registry = plugins({
      reports: ['deals'],
      deals: ['inbox', 'crm'],
      inbox: ['messaging'],
      crm: ['messaging'],
      messaging: [],
      webhooks: [],
    })
    assert.deepEqual(registry.requirementsOf('reports'), ['messaging', 'crm', 'inbox', 'deals'])
    assert.deepEqual(registry.requirementsOf('messaging'), [])
    // Dependents come in the order to disable them: the outermost first.
    assert.deepEqual(registry.dependentsOf('messaging'), ['reports', 'deals', 'inbox', 'crm'])
    assert.deepEqual(registry.dependentsOf('crm'), ['reports', 'deals'])
    assert.deepEqual(registry.dependentsOf('webhooks'), [])
  })

  test('enableOrder gives the chain to enable, skipping what is enabled', ({ assert }) => {
    const registry = plugins({ bots: ['inbox'], inbox: ['messaging'], messaging: [] })
    assert.deepEqual(registry.enableOrder('bots'), ['messaging', 'inbox', 'bots'])
    assert.deepEqual(registry.enableOrder('bots', ['messaging']), ['inbox', 'bots'])
    assert.deepEqual(registry.enableOrder('bots', ['messaging', 'inbox']), ['bots'])
    assert.deepEqual(registry.enableOrder('bots', ['messaging', 'inbox', 'bots']), [])
  })

  test('disableCheck refuses while enabled plugins require it, naming them', ({ assert }) => {
    const registry = plugins({ bots: ['inbox'], campaigns: ['messaging'], inbox: ['messaging'], messaging: [] })

    const blocked = registry.disableCheck('messaging', ['messaging', 'inbox', 'bots'])
    assert.isFalse(blocked.allowed)
    assert.deepEqual(blocked.blockers, ['bots', 'inbox'])
    assert.equal(blocked.message, 'messaging cannot be disabled: bots and inbox require it. Disable them first')

    // Installed but disabled dependents (campaigns) do not block.
    const one = registry.disableCheck('inbox', ['messaging', 'inbox', 'bots'])
    assert.deepEqual(one, {
      allowed: false,
      blockers: ['bots'],
      message: 'inbox cannot be disabled: bots requires it. Disable it first',
    })

    assert.deepEqual(registry.disableCheck('bots', ['messaging', 'inbox', 'bots']), {
      allowed: true,
      blockers: [],
      message: null,
    })
    assert.isTrue(registry.disableCheck('messaging', ['messaging']).allowed)
  })
})
