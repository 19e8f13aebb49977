import { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { giveRequestId } from '#core/http_server'

/** A request as the Node server hands it to the framework, and the framework's context for it. */
async function handled(headers: Record<string, string> = {}) {
  const req = new IncomingMessage(new Socket())
  Object.assign(req.headers, headers)
  giveRequestId(req)
  return testUtils.createHttpContext({ req })
}

test.group('Request id', () => {
  test("the proxy's X-Request-Id is the request's id and is on every line its logger writes", async ({ assert }) => {
    const ctx = await handled({ 'x-request-id': 'edge-42' })
    assert.equal(ctx.request.id(), 'edge-42')
    assert.deepInclude((ctx.logger as any).bindings(), { request_id: 'edge-42' })
  })

  test('without one, a random id is made, the same for the request and its logger', async ({ assert }) => {
    const ctx = await handled()
    const id = ctx.request.id()
    assert.match(id!, /^[0-9a-f-]{36}$/)
    assert.deepInclude((ctx.logger as any).bindings(), { request_id: id })
    assert.notEqual((await handled()).request.id(), id)
  })
})
