import { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { CookieSessionStore, TOUCH_EVERY_MS } from '#auth/cookie_session_store'

const SESSION_ID = 'session-id-1'

/** A request of a browser that sends the cookies `setCookies` (a response's Set-Cookie headers) gave it. */
async function browserRequest(setCookies: string[] = []) {
  const req = new IncomingMessage(new Socket())
  req.headers.cookie = setCookies.map((header) => header.split(';')[0]).join('; ')
  const ctx = await testUtils.createHttpContext({ req })
  return { ctx, store: new CookieSessionStore({ path: '/', httpOnly: true, maxAge: 3600 }, ctx) }
}

const setCookies = (ctx: Awaited<ReturnType<typeof browserRequest>>['ctx']) => {
  const header = ctx.response.getHeader('set-cookie')
  return header === undefined ? [] : ([] as string[]).concat(header as string | string[])
}

test.group('Cookie session store', () => {
  test('what a request writes, the next one reads back, and nothing else', async ({ assert }) => {
    const first = await browserRequest()
    assert.isNull(first.store.read(SESSION_ID))
    first.store.write(SESSION_ID, { auth_web: 7, last_workspace: 'acme' })
    const cookies = setCookies(first.ctx)
    assert.lengthOf(cookies, 1)
    assert.notInclude(cookies[0], 'acme', 'the cookie is encrypted')

    const next = await browserRequest(cookies)
    assert.deepEqual(next.store.read(SESSION_ID), { auth_web: 7, last_workspace: 'acme' })
  })

  test('a session touched soon after it was written sends no cookie; one written over an hour ago is sent again', async ({ assert }) => {
    const first = await browserRequest()
    first.store.write(SESSION_ID, { auth_web: 7 })

    const soon = await browserRequest(setCookies(first.ctx))
    soon.store.touch(SESSION_ID)
    assert.deepEqual(setCookies(soon.ctx), [], 'no re-encryption on a page that changed nothing')

    // The cookie as the store wrote it more than an hour ago.
    const old = await browserRequest()
    old.ctx.response.encryptedCookie(SESSION_ID, { auth_web: 7, __written_at: Date.now() - TOUCH_EVERY_MS - 1000 })
    const later = await browserRequest(setCookies(old.ctx))
    later.store.touch(SESSION_ID)
    const refreshed = setCookies(later.ctx)
    assert.lengthOf(refreshed, 1)
    assert.include(refreshed[0], 'Max-Age=3600', 'the expiry slides again')

    const after = await browserRequest(refreshed)
    assert.deepEqual(after.store.read(SESSION_ID), { auth_web: 7 })
    after.store.touch(SESSION_ID)
    assert.deepEqual(setCookies(after.ctx), [], 'written again just now')
  })

  test('a cookie of the framework’s own store (no write time) is read, and re-sent once on touch', async ({ assert }) => {
    const old = await browserRequest()
    old.ctx.response.encryptedCookie(SESSION_ID, { auth_web: 3 })
    const next = await browserRequest(setCookies(old.ctx))
    assert.deepEqual(next.store.read(SESSION_ID), { auth_web: 3 })
    next.store.touch(SESSION_ID)
    assert.lengthOf(setCookies(next.ctx), 1)
  })

  test('destroy clears the cookie the browser sent', async ({ assert }) => {
    const first = await browserRequest()
    first.store.write(SESSION_ID, { auth_web: 7 })
    const next = await browserRequest(setCookies(first.ctx))
    next.store.destroy(SESSION_ID)
    const cleared = setCookies(next.ctx)
    assert.lengthOf(cleared, 1)
    assert.match(cleared[0], /Max-Age=-1|Expires=Thu, 01 Jan 1970/)
  })
})
