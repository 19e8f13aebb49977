import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import hash from '@adonisjs/core/services/hash'
import User from '#auth/models/user'
import { workspaceWithMember } from '#database/factories/index'
import { latestMailTo, linkIn } from '#tests/helpers/mailbox'

test.group('Password reset', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the e-mailed link sets a new password, once', async ({ client, assert }) => {
    const { user } = await workspaceWithMember('agent')
    const ask = await client.post('/forgot-password').form({ email: user.email }).withCsrfToken().redirects(0)
    ask.assertStatus(302)

    const mail = await latestMailTo(user.email)
    assert.exists(mail)
    const link = linkIn(mail!)
    assert.match(link.pathname, /^\/reset-password\//)

    const form = await client.get(link.pathname)
    form.assertStatus(200)
    const reset = await client
      .post(link.pathname)
      .form({ password: 'a brand new secret', passwordConfirmation: 'a brand new secret' })
      .withCsrfToken()
      .redirects(0)
    reset.assertHeader('location', '/login')
    const reloaded = await User.findOrFail(user.id)
    assert.isTrue(await hash.verify(reloaded.password, 'a brand new secret'))

    const again = await client
      .post(link.pathname)
      .form({ password: 'yet another secret', passwordConfirmation: 'yet another secret' })
      .withCsrfToken()
      .redirects(0)
    again.assertHeader('location', '/forgot-password')
    await reloaded.refresh()
    assert.isTrue(await hash.verify(reloaded.password, 'a brand new secret'))
  })

  test('an unknown address gets the same answer and no mail', async ({ client, assert }) => {
    const ask = await client.post('/forgot-password').form({ email: 'nobody@example.com' }).withCsrfToken().redirects(0)
    ask.assertStatus(302)
    ask.assertFlashMessage('success')
    assert.isUndefined(await latestMailTo('nobody@example.com'))
  })
})

test.group('Password reset in the user’s language', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a Russian-speaking user gets the mail in Russian', async ({ client, assert }) => {
    const { user } = await workspaceWithMember('agent')
    user.locale = 'ru'
    await user.save()
    await client.post('/forgot-password').form({ email: user.email }).withCsrfToken().redirects(0)
    const mail = await latestMailTo(user.email)
    assert.equal(mail!.subject, 'Сброс пароля Switchboard')
    assert.include(mail!.html, 'Задать новый пароль')
  })
})

test.group('Password reset links', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a forged Host header never ends up in the e-mailed link', async ({ client, assert }) => {
    const { user } = await workspaceWithMember('agent')
    await client.post('/forgot-password').form({ email: user.email }).header('host', 'evil.example').withCsrfToken().redirects(0)
    const mail = await latestMailTo(user.email)
    assert.notInclude(mail!.text, 'evil.example')
    assert.include(mail!.text, `${new URL(process.env.APP_URL ?? 'http://localhost:3333').origin}/reset-password/`)
  })

  test('another organization’s custom domain is not trusted for my links', async ({ client, assert }) => {
    const { user } = await workspaceWithMember('agent')
    const attacker = await workspaceWithMember('owner')
    const { default: Organization } = await import('#tenancy/models/organization')
    const { forgetBrandCache } = await import('#tenancy/brand')
    await Organization.query().where('id', attacker.workspace.organizationId).update({ customDomain: 'attacker.example' })
    forgetBrandCache()
    await client.post('/forgot-password').form({ email: user.email }).header('host', 'attacker.example').withCsrfToken().redirects(0)
    const mail = await latestMailTo(user.email)
    assert.notInclude(mail!.text, 'attacker.example')
  })
})
