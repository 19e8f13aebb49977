import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Organization from '#tenancy/models/organization'
import { forgetBrandCache } from '#tenancy/brand'
import { makeOrganizationStaff, workspaceWithMember } from '#database/factories/index'
import { latestMailTo } from '#tests/helpers/mailbox'

test.group('White-label', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(() => forgetBrandCache())

  test('a branded domain shows the organization’s brand and never says Switchboard', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('owner')
    await Organization.query().where('id', workspace.organizationId).update({
      productName: 'ChatPro',
      primaryColor: '#ff5500',
      customDomain: 'chat.agency.test',
    })

    const login = await client.get('/login').header('host', 'chat.agency.test')
    assert.include(login.text(), 'ChatPro')
    assert.include(login.text(), '#ff5500')
    assert.notInclude(login.text(), 'Switchboard')

    const dashboard = await client.get(`/w/${workspace.slug}`).header('host', 'chat.agency.test').loginAs(user)
    dashboard.assertStatus(200)
    assert.include(dashboard.text(), '<title>Dashboard · ChatPro</title>')
    assert.notInclude(dashboard.text(), 'Switchboard')

    const notFound = await client.get('/no-such-page').header('host', 'chat.agency.test')
    notFound.assertStatus(404)
    assert.notInclude(notFound.text(), 'Switchboard')

    // Mails sent from the branded domain carry the brand and link back to it.
    await client.post('/forgot-password').form({ email: user.email }).header('host', 'chat.agency.test').withCsrfToken().redirects(0)
    const mail = await latestMailTo(user.email)
    assert.equal(mail!.from.name, 'ChatPro')
    assert.include(mail!.text, 'http://chat.agency.test/reset-password/')
    assert.notInclude(mail!.html + mail!.text, 'Switchboard')
  })

  test('the default domain keeps the Switchboard brand', async ({ client, assert }) => {
    const login = await client.get('/login')
    assert.include(login.text(), 'Switchboard')
  })

  test('organization staff save the brand; a taken domain is refused', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('owner')
    await makeOrganizationStaff(workspace, user, 'owner')
    const other = await workspaceWithMember('owner')
    await Organization.query().where('id', other.workspace.organizationId).update({ customDomain: 'taken.test' })

    const taken = await client
      .put(`/w/${workspace.slug}/branding`)
      .json({ productName: 'Mine', customDomain: 'taken.test' })
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    taken.assertStatus(422)
    taken.assertBodyContains({ errors: [{ field: 'customDomain' }] })

    const saved = await client
      .put(`/w/${workspace.slug}/branding`)
      .form({ productName: 'Mine', primaryColor: '#123456', customDomain: 'mine.test' })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    saved.assertStatus(302)
    const organization = await Organization.findOrFail(workspace.organizationId)
    assert.equal(organization.productName, 'Mine')
    assert.equal(organization.customDomain, 'mine.test')

    const branded = await client.get('/login').header('host', 'mine.test')
    assert.include(branded.text(), 'Mine')
  })

  test('an oversized logo is refused with 413 or a field error, never a 500', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('owner')
    await makeOrganizationStaff(workspace, user, 'owner')
    const big = Buffer.alloc(2 * 1024 * 1024, 1)
    const response = await client
      .put(`/w/${workspace.slug}/branding`)
      .file('logo', big, { filename: 'logo.png', contentType: 'image/png' })
      .header('accept', 'application/json')
      .loginAs(user)
      .withCsrfToken()
    assert.oneOf(response.status(), [413, 422])
  })
})
