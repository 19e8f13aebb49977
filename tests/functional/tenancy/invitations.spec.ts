import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Membership from '#tenancy/models/membership'
import User from '#auth/models/user'
import AuditLog from '#audit/audit_log'
import { PASSWORD, UserFactory, workspaceWithMember } from '#database/factories/index'
import { latestMailTo, linkIn } from '#tests/helpers/mailbox'

test.group('Invitations', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an admin invites by e-mail; the link creates the account with the role', async ({ client, assert }) => {
    const { user: admin, workspace } = await workspaceWithMember('admin')
    const invite = await client
      .post(`/w/${workspace.slug}/invitations`)
      .form({ email: 'New.Agent@Example.com', role: 'agent' })
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    invite.assertStatus(302)

    const mail = await latestMailTo('new.agent@example.com')
    assert.exists(mail)
    assert.include(mail!.subject, workspace.name)
    const link = linkIn(mail!)

    const page = await client.get(link.pathname)
    page.assertStatus(200)
    const accept = await client
      .post(link.pathname)
      .form({ fullName: 'New Agent', password: 'welcome-aboard' })
      .withCsrfToken()
      .redirects(0)
    accept.assertHeader('location', `/w/${workspace.slug}`)

    const user = await User.findByOrFail('email', 'new.agent@example.com')
    assert.isNotNull(user.emailVerifiedAt, 'the invitation link proves the address')
    const membership = await Membership.query().where('workspace_id', workspace.id).where('user_id', user.id).firstOrFail()
    assert.equal(membership.role, 'agent')
    assert.exists(await AuditLog.query().where('action', 'member.invited').where('workspace_id', workspace.id).first())
    assert.exists(await AuditLog.query().where('action', 'member.joined').where('actor_id', user.id).first())

    // The link is spent.
    const reused = await client.get(link.pathname)
    reused.assertStatus(404)
  })

  test('an existing account is attached after proving its password', async ({ client, assert }) => {
    const { user: admin, workspace } = await workspaceWithMember('admin')
    const existing = await UserFactory.create()
    await client
      .post(`/w/${workspace.slug}/invitations`)
      .form({ email: existing.email, role: 'viewer' })
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    const link = linkIn((await latestMailTo(existing.email))!)

    const wrong = await client
      .post(link.pathname)
      .json({ password: 'not the password' })
      .header('accept', 'application/json')
      .withCsrfToken()
    wrong.assertStatus(422)
    assert.isNull(await Membership.query().where('workspace_id', workspace.id).where('user_id', existing.id).first())

    await client.post(link.pathname).form({ password: PASSWORD }).withCsrfToken().redirects(0)
    const membership = await Membership.query().where('workspace_id', workspace.id).where('user_id', existing.id).firstOrFail()
    assert.equal(membership.role, 'viewer')
  })

  test('an invitation can be revoked before it is used', async ({ client }) => {
    const { user: admin, workspace } = await workspaceWithMember('admin')
    await client
      .post(`/w/${workspace.slug}/invitations`)
      .form({ email: 'revoked@example.com', role: 'agent' })
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    const link = linkIn((await latestMailTo('revoked@example.com'))!)
    const { default: Invitation } = await import('#tenancy/models/invitation')
    const invitation = await Invitation.findByOrFail('email', 'revoked@example.com')
    await client
      .delete(`/w/${workspace.slug}/invitations/${invitation.id}`)
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    const page = await client.get(link.pathname)
    page.assertStatus(404)
  })

  test('bad invitation input is refused with field messages', async ({ client }) => {
    const { user: admin, workspace } = await workspaceWithMember('admin')
    const response = await client
      .post(`/w/${workspace.slug}/invitations`)
      .json({ email: 'nope', role: 'emperor' })
      .header('accept', 'application/json')
      .loginAs(admin)
      .withCsrfToken()
    response.assertStatus(422)
    response.assertBodyContains({ errors: [{ field: 'email' }, { field: 'role' }] })
  })
})
