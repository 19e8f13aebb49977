import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import redis from '@adonisjs/redis/services/main'
import AuditLog from '#audit/audit_log'
import UserSession from '#auth/models/user_session'
import { PASSWORD, workspaceWithMember } from '#database/factories/index'

/** The limiter keeps counts in Redis; each test starts from none. */
async function clearLoginLimits() {
  const keys = await redis.keys('*login_*')
  if (keys.length) await redis.del(keys)
}

test.group('Log in and out', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(() => clearLoginLimits())

  test('the right password signs in and opens the workspace', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    const login = await client
      .post('/login')
      .form({ email: user.email, password: PASSWORD })
      .withCsrfToken()
      .redirects(0)
    login.assertStatus(302)
    login.assertHeader('location', '/')

    const home = await client.get('/').withSession(login.session()).redirects(0)
    home.assertHeader('location', `/w/${workspace.slug}`)
    const sessions = await UserSession.query().where('user_id', user.id)
    assert.lengthOf(sessions, 1, 'the browser is listed in active sessions')
    assert.exists(await AuditLog.query().where('action', 'auth.login').where('actor_id', user.id).first())
  })

  test('a wrong password is refused, said plainly and audited', async ({ client, assert }) => {
    const { user } = await workspaceWithMember('agent')
    const login = await client
      .post('/login')
      .form({ email: user.email, password: 'wrong password' })
      .withCsrfToken()
      .redirects(0)
    login.assertStatus(302)
    login.assertFlashMessage('errorsBag', { E_INVALID_CREDENTIALS: 'Invalid user credentials' })
    const failure = await AuditLog.query().where('action', 'auth.login_failed').firstOrFail()
    assert.equal(failure.meta.email, user.email)
    assert.equal(failure.actorId, user.id, 'the attempt is attributed to the account, for its admins to see')
    assert.match(String(failure.meta.requestId), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'the request has an id for the logs')

    // Behind a proxy, its request id is kept, so the proxy's logs and ours line up.
    await client.post('/login').header('x-request-id', 'proxy-req-42').form({ email: user.email, password: 'wrong again' }).withCsrfToken().redirects(0)
    const second = await AuditLog.query().where('action', 'auth.login_failed').orderBy('id', 'desc').firstOrFail()
    assert.equal(second.meta.requestId, 'proxy-req-42')

    const page = await client.get('/dashboard-does-not-exist').redirects(0)
    page.assertStatus(404)
  })

  test('after 5 failures the account is locked for this IP: 429 with Retry-After', async ({ client, assert }) => {
    const { user } = await workspaceWithMember('agent')
    for (let attempt = 0; attempt < 5; attempt++) {
      const failed = await client
        .post('/login')
        .form({ email: user.email, password: `wrong-${attempt}` })
        .withCsrfToken()
        .redirects(0)
      failed.assertStatus(302)
    }
    // Even the right password is refused while locked.
    const locked = await client
      .post('/login')
      .json({ email: user.email, password: PASSWORD })
      .header('accept', 'application/json')
      .withCsrfToken()
      .redirects(0)
    locked.assertStatus(429)
    assert.isAbove(Number(locked.header('retry-after')), 0)
  })

  test('pages need a session: HTML goes to /login, JSON gets 401', async ({ client }) => {
    const { workspace } = await workspaceWithMember('agent')
    const html = await client.get(`/w/${workspace.slug}`).redirects(0)
    html.assertStatus(302)
    html.assertHeader('location', '/login')
    const json = await client.get(`/w/${workspace.slug}`).header('accept', 'application/json').redirects(0)
    json.assertStatus(401)
  })

  test('logging out ends the session', async ({ client }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    const login = await client.post('/login').form({ email: user.email, password: PASSWORD }).withCsrfToken().redirects(0)
    const logout = await client.post('/logout').withSession(login.session()).withCsrfToken().redirects(0)
    logout.assertStatus(302)
    const after = await client.get(`/w/${workspace.slug}`).withSession(logout.session()).redirects(0)
    after.assertHeader('location', '/login')
  })

  test('a session revoked from another browser is signed out on its next request', async ({ client }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    const login = await client.post('/login').form({ email: user.email, password: PASSWORD }).withCsrfToken().redirects(0)
    const session = await UserSession.findByOrFail('user_id', user.id)
    session.revokedAt = session.lastSeenAt
    await session.save()
    const after = await client.get(`/w/${workspace.slug}`).withSession(login.session()).redirects(0)
    after.assertHeader('location', '/login')
  })
})
