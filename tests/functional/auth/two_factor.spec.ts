import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { authenticator } from 'otplib'
import User from '#auth/models/user'
import Organization from '#tenancy/models/organization'
import { PASSWORD, workspaceWithMember } from '#database/factories/index'
import { enableTwoFactor, newSecret } from '#auth/two_factor'

function secretFrom(html: string) {
  const match = html.match(/data-testid="secret">([A-Z2-7]+)</)
  if (!match) throw new Error('No secret on the enrolment page')
  return match[1]
}

function recoveryCodesFrom(html: string) {
  return [...html.matchAll(/>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</g)].map((m) => m[1])
}

test.group('Two-factor authentication', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('enrolment: scan, prove a code, receive recovery codes', async ({ client, assert }) => {
    const { user } = await workspaceWithMember('agent')
    const enrol = await client.get('/settings/two-factor').loginAs(user)
    enrol.assertStatus(200)
    assert.include(enrol.text(), 'data:image/png;base64', 'the QR code is shown')
    const secret = secretFrom(enrol.text())

    const wrong = await client
      .post('/settings/two-factor')
      .form({ code: '000000' })
      .withSession(enrol.session())
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    wrong.assertStatus(302)
    await user.refresh()
    assert.isFalse(user.hasTwoFactor)

    const confirmed = await client
      .post('/settings/two-factor')
      .form({ code: authenticator.generate(secret) })
      .withSession(enrol.session())
      .loginAs(user)
      .withCsrfToken()
    confirmed.assertStatus(200)
    assert.lengthOf(recoveryCodesFrom(confirmed.text()), 8)
    await user.refresh()
    assert.isTrue(user.hasTwoFactor)
    assert.notInclude(user.twoFactorSecret!, secret, 'the secret is encrypted at rest')
  })

  test('sign-in asks for the code after the password, and only a right code gets in', async ({ client }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    const secret = newSecret()
    await enableTwoFactor(user, secret)

    const password = await client.post('/login').form({ email: user.email, password: PASSWORD }).withCsrfToken().redirects(0)
    password.assertHeader('location', '/login/two-factor')
    // The password alone does not open anything.
    const early = await client.get(`/w/${workspace.slug}`).withSession(password.session()).redirects(0)
    early.assertHeader('location', '/login')

    const bad = await client
      .post('/login/two-factor')
      .form({ code: '123456' })
      .withSession(password.session())
      .withCsrfToken()
      .redirects(0)
    bad.assertHeader('location', '/login/two-factor')

    const good = await client
      .post('/login/two-factor')
      .form({ code: authenticator.generate(secret) })
      .withSession(password.session())
      .withCsrfToken()
      .redirects(0)
    good.assertHeader('location', '/')
    const inside = await client.get(`/w/${workspace.slug}`).withSession(good.session())
    inside.assertStatus(200)
  })

  test('a recovery code signs in once', async ({ client, assert }) => {
    const { user } = await workspaceWithMember('agent')
    const codes = await enableTwoFactor(user, newSecret())

    const signIn = async () => {
      const password = await client.post('/login').form({ email: user.email, password: PASSWORD }).withCsrfToken().redirects(0)
      return client
        .post('/login/two-factor')
        .form({ code: codes[0] })
        .withSession(password.session())
        .withCsrfToken()
        .redirects(0)
    }
    ;(await signIn()).assertHeader('location', '/')
    ;(await signIn()).assertHeader('location', '/login/two-factor')
    const reloaded = await User.findOrFail(user.id)
    assert.isTrue(reloaded.hasTwoFactor)
  })

  test('an organization that requires 2FA sends members without it to enrolment', async ({ client }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    await Organization.query().where('id', workspace.organizationId).update({ requireTwoFactor: true })

    const blocked = await client.get(`/w/${workspace.slug}`).loginAs(user).redirects(0)
    blocked.assertStatus(302)
    blocked.assertHeader('location', '/settings/two-factor')

    await enableTwoFactor(user, newSecret())
    const allowed = await client.get(`/w/${workspace.slug}`).loginAs(user)
    allowed.assertStatus(200)
  })

  test('turning 2FA off needs the current password', async ({ client, assert }) => {
    const { user } = await workspaceWithMember('agent')
    await enableTwoFactor(user, newSecret())
    const refused = await client
      .delete('/settings/two-factor')
      .json({ currentPassword: 'not it' })
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    refused.assertStatus(422)
    refused.assertBodyContains({ errors: [{ field: 'currentPassword' }] })
    await user.refresh()
    assert.isTrue(user.hasTwoFactor)

    await client.delete('/settings/two-factor').form({ currentPassword: PASSWORD }).loginAs(user).withCsrfToken().redirects(0)
    await user.refresh()
    assert.isFalse(user.hasTwoFactor)
  })
})

test.group('Two-factor codes cannot be guessed', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('after 5 wrong codes the account is locked: even the right code gets 429', async ({ client }) => {
    const redis = (await import('@adonisjs/redis/services/main')).default
    const keys = await redis.keys('*login_*')
    if (keys.length) await redis.del(keys)
    const { user } = await workspaceWithMember('agent')
    const secret = newSecret()
    await enableTwoFactor(user, secret)
    const password = await client.post('/login').form({ email: user.email, password: PASSWORD }).withCsrfToken().redirects(0)
    for (let attempt = 0; attempt < 5; attempt++) {
      await client.post('/login/two-factor').form({ code: '000000' }).withSession(password.session()).withCsrfToken().redirects(0)
    }
    const locked = await client
      .post('/login/two-factor')
      .json({ code: authenticator.generate(secret) })
      .header('accept', 'application/json')
      .withSession(password.session())
      .withCsrfToken()
      .redirects(0)
    locked.assertStatus(429)
  })
})
