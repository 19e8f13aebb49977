import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import Membership from '#tenancy/models/membership'
import AuditLog from '#audit/audit_log'
import { issueApiToken } from '#auth/api_tokens'
import { addMember, workspaceWithMember } from '#database/factories/index'
import { apiPerToken } from '#start/limiter'

test.group('API tokens (/api/v1)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a bearer token reads its own workspace', async ({ client, assert }) => {
    const { workspace, user } = await workspaceWithMember('owner')
    const token = await issueApiToken(user, workspace, 'ci', ['workspace.view'])

    const response = await client.get('/api/v1/workspace').bearerToken(token.secret)

    response.assertStatus(200)
    assert.equal(response.body().data.slug, workspace.slug)
    assert.equal(response.body().data.id, workspace.id)
    assert.equal(response.body().data.name, workspace.name)
  })

  test('no token is a 401 with a JSON error body', async ({ client, assert }) => {
    const asJson = await client.get('/api/v1/workspace').header('accept', 'application/json')
    asJson.assertStatus(401)
    assert.isArray(asJson.body().errors)
    assert.isString(asJson.body().errors[0].message)
  })

  test('no token without an Accept header (curl, a script) is still a 401 with a JSON error body', async ({ client, assert }) => {
    const bare = await client.get('/api/v1/workspace')
    bare.assertStatus(401)
    assert.match(bare.header('content-type') ?? '', /application\/json/)
    assert.isArray(bare.body().errors)
  })

  test('a garbage or forged token is a 401', async ({ client, assert }) => {
    const { workspace, user } = await workspaceWithMember('owner')
    const real = await issueApiToken(user, workspace, 'real', ['workspace.view'])

    const garbage = await client
      .get('/api/v1/workspace')
      .bearerToken('not-a-token')
      .header('accept', 'application/json')
    garbage.assertStatus(401)

    // Right id prefix, wrong secret.
    const forged = real.secret.slice(0, -4) + (real.secret.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    const tampered = await client.get('/api/v1/workspace').bearerToken(forged).header('accept', 'application/json')
    tampered.assertStatus(401)
    assert.notProperty(tampered.body(), 'data')
  })

  test('the token abilities decide what it may read', async ({ client, assert }) => {
    const { workspace, user } = await workspaceWithMember('owner')
    const viewing = await issueApiToken(user, workspace, 'viewing', ['workspace.view'])
    const narrow = await issueApiToken(user, workspace, 'narrow', ['members.view'])

    const allowed = await client.get('/api/v1/workspace').bearerToken(viewing.secret)
    allowed.assertStatus(200)

    const refused = await client.get('/api/v1/workspace').bearerToken(narrow.secret)
    refused.assertStatus(403)
    assert.isArray(refused.body().errors)
    assert.notProperty(refused.body(), 'data')
  })

  test('a token stops working once its owner leaves the workspace', async ({ client, assert }) => {
    const { workspace, user: owner } = await workspaceWithMember('owner')
    const admin = await addMember(workspace, 'admin')
    const token = await issueApiToken(admin, workspace, 'admin script', ['workspace.view'])
    ;(await client.get('/api/v1/workspace').bearerToken(token.secret)).assertStatus(200)

    const membership = await Membership.query()
      .where('workspace_id', workspace.id)
      .where('user_id', admin.id)
      .firstOrFail()
    const removal = await client
      .delete(`/w/${workspace.slug}/members/${membership.id}`)
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    assert.oneOf(removal.status(), [200, 302])
    assert.isNull(await Membership.find(membership.id))

    const after = await client.get('/api/v1/workspace').bearerToken(token.secret)
    after.assertStatus(401)
    assert.notProperty(after.body(), 'data')
  })

  test('a revoked token is a 401', async ({ client, assert }) => {
    const { workspace, user: owner } = await workspaceWithMember('owner')
    const token = await issueApiToken(owner, workspace, 'to revoke', ['workspace.view'])
    ;(await client.get('/api/v1/workspace').bearerToken(token.secret)).assertStatus(200)

    const revoke = await client
      .delete(`/w/${workspace.slug}/api-tokens/${token.id}`)
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    assert.oneOf(revoke.status(), [200, 302])
    assert.isNull(await db.from('auth_access_tokens').where('id', token.id).first())

    const after = await client.get('/api/v1/workspace').bearerToken(token.secret)
    after.assertStatus(401)
  })

  test('an admin creates a token in the UI: the secret is shown once, stored only hashed, and audited', async ({ client, assert }) => {
    const { workspace, user: admin } = await workspaceWithMember('admin')

    const created = await client
      .post(`/w/${workspace.slug}/api-tokens`)
      // As the page's form posts it: one checkbox named abilities[].
      .form({ 'name': 'ci-deploy-bot', 'abilities[]': 'workspace.view' })
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)

    created.assertStatus(302)
    assert.equal(created.header('location'), `/w/${workspace.slug}/api-tokens`)
    const secret = created.flashMessage('newToken') as unknown as string
    assert.isString(secret)
    assert.isAbove(secret.length, 20)

    const row = await db
      .from('auth_access_tokens')
      .where('tokenable_id', admin.id)
      .where('workspace_id', workspace.id)
      .where('name', 'ci-deploy-bot')
      .firstOrFail()
    assert.isString(row.hash)
    assert.notInclude(secret, row.hash, 'only a hash is stored')
    assert.notEqual(row.hash, secret)

    const audit = await AuditLog.query()
      .where('action', 'token.created')
      .where('workspace_id', workspace.id)
      .firstOrFail()
    assert.equal(audit.actorId, admin.id)
    assert.equal(audit.meta.tokenId, Number(row.id))

    // Following the redirect with the same session shows the secret ...
    const shown = await client
      .get(`/w/${workspace.slug}/api-tokens`)
      .loginAs(admin)
      .withSession(created.session())
      .withFlashMessages(created.flashMessages())
      .redirects(0)
    shown.assertStatus(200)
    assert.include(shown.text(), secret)

    // ... and the next visit does not.
    const again = await client
      .get(`/w/${workspace.slug}/api-tokens`)
      .loginAs(admin)
      .withSession(shown.session())
      .redirects(0)
    again.assertStatus(200)
    assert.notInclude(again.text(), secret)
    assert.include(again.text(), 'ci-deploy-bot')

    // The secret works against the API.
    const api = await client.get('/api/v1/workspace').bearerToken(secret)
    api.assertStatus(200)
    assert.equal(api.body().data.slug, workspace.slug)
  })

  test('a token of workspace A never reads workspace B, even when its owner belongs to both', async ({ client, assert }) => {
    const { workspace: a, user } = await workspaceWithMember('owner')
    const { workspace: b } = await workspaceWithMember('owner')
    await Membership.create({ workspaceId: b.id, userId: user.id, role: 'owner' })
    const token = await issueApiToken(user, a, 'a only', ['workspace.view'])

    const plain = await client.get('/api/v1/workspace').bearerToken(token.secret)
    plain.assertStatus(200)
    assert.equal(plain.body().data.slug, a.slug)

    const steered = await client
      .get('/api/v1/workspace')
      .qs({ workspace: b.slug, workspace_id: b.id })
      .header('x-workspace', b.slug)
      .bearerToken(token.secret)
    steered.assertStatus(200)
    assert.equal(steered.body().data.slug, a.slug)
    assert.notEqual(steered.body().data.id, b.id)
  })

  test('each token has its own request budget: over it, 429 with Retry-After; other tokens go on', async ({ client, assert }) => {
    const { workspace, user } = await workspaceWithMember('owner')
    const busy = await issueApiToken(user, workspace, 'busy script', ['workspace.view'])
    const calm = await issueApiToken(user, workspace, 'calm script', ['workspace.view'])
    ;(await client.get('/api/v1/workspace').bearerToken(busy.secret)).assertStatus(200)
    // As if it had used up its minute.
    await apiPerToken.block(`api_${busy.id}`, '1 min')
    const throttled = await client.get('/api/v1/workspace').bearerToken(busy.secret)
    throttled.assertStatus(429)
    assert.isAtLeast(Number(throttled.header('retry-after')), 1)
    assert.property(throttled.body(), 'errors')
    ;(await client.get('/api/v1/workspace').bearerToken(calm.secret)).assertStatus(200)
    await apiPerToken.delete(`api_${busy.id}`)
  })
})
