import { test } from '@japa/runner'

/** public/ is served for its own paths; everything else goes to the router as before. */
test.group('Public files', () => {
  test('a file of public/ is served, a missing one is a 404, and routes are untouched', async ({ client, assert }) => {
    const favicon = await client.get('/favicon.svg')
    favicon.assertStatus(200)
    assert.include(String(favicon.header('content-type')), 'image/svg+xml')

    ;(await client.get('/favicon.svg.missing')).assertStatus(404)
    ;(await client.get('/assets/no-such-file.js')).assertStatus(404)
    ;(await client.get('/health')).assertStatus(200)
  })
})
