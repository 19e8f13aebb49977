import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import env from '#start/env'
import { PASSWORD, workspaceWithMember } from '#database/factories/index'

/**
 * Plain HTTP as a browser sends it (the test client keeps cookies its own way): `cookies` is
 * the browser's jar, name → Set-Cookie line, updated from each answer.
 */
async function browse(path: string, cookies: Map<string, string>, init: RequestInit = {}) {
  const response = await fetch(`http://${env.get('HOST')}:${env.get('PORT')}${path}`, {
    redirect: 'manual',
    ...init,
    headers: {
      accept: 'text/html',
      cookie: [...cookies.values()].map((line) => line.split(';')[0]).join('; '),
      ...init.headers,
    },
  })
  await response.text()
  const set = new Map(response.headers.getSetCookie().map((line) => [line.split('=')[0], line]))
  for (const [name, line] of set) cookies.set(name, line)
  return { response, set }
}

const valueOf = (line: string | undefined) => line?.split(';')[0].split('=').slice(1).join('=')

test.group('CSRF token cookie for scripts', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a browser gets it once, for the browser session, and scripts are let through with it', async ({ assert }) => {
    const jar = new Map<string, string>()
    const first = await browse('/login', jar)
    assert.equal(first.response.status, 200)
    const line = first.set.get('XSRF-TOKEN')
    assert.exists(line, 'the first page gives the token cookie')
    assert.notMatch(line!, /max-age|expires/i, 'a browser-session cookie: it cannot expire under an open page')
    assert.notMatch(line!, /httponly/i, 'scripts must read it')
    const token = valueOf(line)!

    const again = await browse('/login', jar)
    assert.equal(again.response.status, 200)
    assert.isFalse(again.set.has('XSRF-TOKEN'), 'a browser holding a valid token is not sent it again')

    // A token the session's secret did not make is replaced by one it did.
    jar.set('XSRF-TOKEN', 'XSRF-TOKEN=abc-def')
    const replaced = await browse('/login', jar)
    assert.notEqual(valueOf(replaced.set.get('XSRF-TOKEN')) ?? 'abc-def', 'abc-def')

    const { user } = await workspaceWithMember('agent')
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const body = new URLSearchParams({ email: user.email, password: PASSWORD }).toString()
    const refused = await browse('/login', jar, { method: 'POST', headers: { ...form, accept: 'application/json' }, body })
    assert.equal(refused.response.status, 403, 'without the token the form is refused')

    const signedIn = await browse('/login', jar, { method: 'POST', headers: { ...form, 'x-csrf-token': token }, body })
    assert.equal(signedIn.response.status, 302)
    assert.equal(signedIn.response.headers.get('location'), '/', 'signed in')
  })
})
