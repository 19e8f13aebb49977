import { test } from '@japa/runner'
import { hooks } from '#hooks/bus'
import { defineTestHook } from '#tests/helpers/hooks'
import { marketplace, PLUGIN_PREFIX } from '#marketplace/runtime'
import { manifestOf } from './fixtures.js'

/** A hook of the tests' own, so no plugin's tap runs beside the package's. */
const HOOK = 'test.marketplaceEvent'
const emit = (payload: { workspaceId: number; boom?: boolean }) => hooks.emit(HOOK as never, payload as never)

test.group('Marketplace runtime', (group) => {
  group.setup(() => {
    defineTestHook(HOOK, 'A test event for sandboxed taps.')
    return () => marketplace.clear()
  })

  test('a package runs only for the workspace that installed it, and three faults disable it there', async ({ assert }) => {
    const manifest = manifestOf({ id: 'com.acme.runtime-test', hooks: [HOOK] })
    const script = `import { log } from 'switchboard:api'
export default { async '${HOOK}'(event) { if (event.boom) throw new Error('boom'); log('saw', event.workspaceId) } }`
    const plugin = PLUGIN_PREFIX + manifest.id
    const state = marketplace.install({ workspaceId: 101, pkg: { manifest, script, files: new Map(), keyId: 'test', publisher: 'Acme' }, grants: ['log'] })

    await emit({ workspaceId: 101 })
    await emit({ workspaceId: 102 })
    assert.deepEqual(state.logs, ['saw 101'])
    assert.isTrue(marketplace.isActive(plugin, 101))
    assert.isFalse(marketplace.isActive(plugin, 102))

    await emit({ workspaceId: 101, boom: true })
    assert.equal(state.status, 'failing')
    assert.isTrue(marketplace.isActive(plugin, 101), 'a failing installation still runs')
    await emit({ workspaceId: 101, boom: true })
    await emit({ workspaceId: 101, boom: true })
    assert.include(state, { status: 'disabled', faults: 3 })
    assert.equal(state.lastFault?.message, 'boom')
    assert.isFalse(marketplace.isActive(plugin, 101))
    await emit({ workspaceId: 101 })
    assert.deepEqual(state.logs, ['saw 101'])
  }).timeout(8000)
})
