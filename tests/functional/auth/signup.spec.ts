import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import User from '#auth/models/user'
import Membership from '#tenancy/models/membership'
import OrganizationMember from '#tenancy/models/organization_member'
import { latestMailTo, linkIn } from '#tests/helpers/mailbox'

test.group('Sign-up', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('creates the user, their organization and first workspace, and signs them in', async ({ client, assert }) => {
    const response = await client
      .post('/signup')
      .form({ fullName: 'Ada Lovelace', email: 'Ada@Example.com', password: 'analytical-engine', organizationName: 'Engine Works' })
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    const user = await User.findByOrFail('email', 'ada@example.com')
    const membership = await Membership.query().where('user_id', user.id).preload('workspace').firstOrFail()
    assert.equal(membership.role, 'owner')
    assert.equal(membership.workspace.name, 'Engine Works')
    assert.equal(response.header('location'), `/w/${membership.workspace.slug}`)
    const staff = await OrganizationMember.findByOrFail('user_id', user.id)
    assert.equal(staff.organizationId, membership.workspace.organizationId)
    assert.equal(staff.role, 'owner')
    assert.notEqual(user.password, 'analytical-engine', 'the password is stored hashed')
  })

  test('sends a verification link that confirms the address', async ({ client, assert }) => {
    await client
      .post('/signup')
      .form({ fullName: 'Grace Hopper', email: 'grace@example.com', password: 'cobol-rules-1959', organizationName: 'Navy' })
      .withCsrfToken()
      .redirects(0)
    const mail = await latestMailTo('grace@example.com')
    assert.exists(mail)
    const link = linkIn(mail!)
    const verify = await client.get(link.pathname).redirects(0)
    verify.assertStatus(302)
    const user = await User.findByOrFail('email', 'grace@example.com')
    assert.isNotNull(user.emailVerifiedAt)

    // The link works once.
    await client.get(link.pathname).redirects(0)
    await user.refresh()
    assert.isNotNull(user.emailVerifiedAt)
  })

  test('answers 422 with field messages for bad input and creates nothing', async ({ client, assert }) => {
    const response = await client
      .post('/signup')
      .json({ fullName: 'A', email: 'not-an-email', password: 'short', organizationName: '' })
      .header('accept', 'application/json')
      .withCsrfToken()

    response.assertStatus(422)
    const fields = response.body().errors.map((e: { field: string }) => e.field)
    assert.includeMembers(fields, ['fullName', 'email', 'password', 'organizationName'])
    assert.lengthOf(await User.all(), 0)
  })

  test('refuses an e-mail that already has an account', async ({ client }) => {
    const form = { fullName: 'Twice', email: 'twice@example.com', password: 'long-enough-1', organizationName: 'Org' }
    await client.post('/signup').form(form).withCsrfToken().redirects(0)
    const again = await client.post('/signup').json(form).header('accept', 'application/json').withCsrfToken()
    again.assertStatus(422)
    again.assertBodyContains({ errors: [{ field: 'email' }] })
  })

  test('a form without its CSRF token is refused', async ({ client, assert }) => {
    const response = await client
      .post('/signup')
      .form({ fullName: 'No Token', email: 'csrf@example.com', password: 'long-enough-1', organizationName: 'Org' })
      .header('accept', 'application/json')
      .redirects(0)
    response.assertStatus(403)
    assert.isNull(await User.findBy('email', 'csrf@example.com'))
  })
})

test.group('Sign-up in Russian', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('field messages follow the browser language', async ({ client, assert }) => {
    const response = await client
      .post('/signup')
      .json({ fullName: 'A', email: 'ok@example.com', password: 'long-enough-1', organizationName: 'Org' })
      .header('accept', 'application/json')
      .header('accept-language', 'ru')
      .withCsrfToken()
    response.assertStatus(422)
    assert.equal(response.body().errors[0].message, 'Поле Имя и фамилия должно быть не короче 2 символов')
  })
})
