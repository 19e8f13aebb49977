import { test } from '@japa/runner'
import edge from 'edge.js'

// A functional test: the router's routes are looked up once the HTTP server started.
test.group('Views: route()', () => {
  test('remembered URLs follow their parameters and options', async ({ assert }) => {
    const render = (template: string) => edge.renderRaw(template)
    // Twice each: the second comes from the remembered URLs.
    for (let round = 0; round < 2; round++) {
      assert.equal(await render(`{{ route('workspace.dashboard', { workspace: 'acme' }) }}`), '/w/acme')
      assert.equal(await render(`{{ route('workspace.dashboard', { workspace: 'globex' }) }}`), '/w/globex')
      assert.equal(await render(`{{ route('workspace.dashboard', { workspace: 'acme' }, { qs: { tab: 'x' } }) }}`), '/w/acme?tab=x')
    }
  })
})
