import { test } from '@japa/runner'

test.group('Health check', () => {
  test('GET /health reports every dependency as ok', async ({ client, assert }) => {
    const response = await client.get('/health')

    response.assertStatus(200)
    assert.match(response.header('content-type') ?? '', /application\/json/)
    response.assertBodyContains({ status: 'ok', postgres: 'ok', redis: 'ok' })
    assert.isNumber(response.body().uptime)
    assert.isString(response.body().version)
  })

  test('needs no session, sign-in or CSRF token, and leaks no stack', async ({ client, assert }) => {
    const response = await client.get('/health').header('accept', 'text/html').redirects(0)

    response.assertStatus(200)
    assert.equal(response.body().status, 'ok')
    assert.notProperty(response.body(), 'stack')
  })

  test('GET /health/live answers without asking any dependency', async ({ client }) => {
    const response = await client.get('/health/live').header('accept', 'text/html').redirects(0)
    response.assertStatus(200)
    response.assertBody({ status: 'ok' })
  })
})
