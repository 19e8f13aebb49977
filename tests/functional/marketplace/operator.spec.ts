import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { marketplace } from '#marketplace/runtime'
import { installPackage } from '#marketplace/actions/install_package'
import MarketplacePackage from '#marketplace/models/package'
import AuditLog from '#audit/audit_log'
import User from '#auth/models/user'
import { runAce, setUpAce } from '#tests/helpers/ace'
import { UserFactory, workspaceWithMember } from '#database/factories/index'
import { defineMarketplaceHook, manifestOf, published, trustAcme } from '#tests/helpers/marketplace'

const ID = manifestOf().id
const PAGE = '/operator/marketplace'

test.group('Marketplace operator page (blocking)', (group) => {
  const holder = setUpAce(group)
  const grant = (...argv: string[]) => runAce(holder.ace, 'operator:grant', argv)
  async function operator() {
    const user = await UserFactory.create()
    ;(await grant(user.email)).command.assertSucceeded()
    await user.refresh()
    return user
  }

  group.setup(() => {
    defineMarketplaceHook()
    return () => marketplace.clear()
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.teardown(() => marketplace.clear())

  test('operator:grant makes an operator and --revoke takes it back, audited; an unknown e-mail fails', async ({ assert }) => {
    const user = await operator()
    assert.isTrue(user.isOperator)
    ;(await grant(user.email, '--revoke')).command.assertSucceeded()
    assert.isFalse((await User.findOrFail(user.id)).isOperator)
    const unknown = await grant('nobody@example.com')
    unknown.command.assertFailed()
    assert.include(unknown.output, 'No account has the e-mail nobody@example.com')
    const entries = await AuditLog.query().whereIn('action', ['operator.granted', 'operator.revoked']).where('meta', '@>', JSON.stringify({ userId: user.id })).orderBy('id')
    assert.deepEqual(entries.map((entry) => [entry.action, entry.organizationId, entry.workspaceId]), [['operator.granted', null, null], ['operator.revoked', null, null]])
  })

  test('an operator lists registry packages and blocks one (it stops in every workspace, audited), then unblocks it', async ({ client, assert }) => {
    const { workspace, user: admin } = await workspaceWithMember('admin')
    await trustAcme(workspace)
    await published()
    await installPackage({ workspace, packageId: ID, consent: true, actorId: admin.id })
    const boss = await operator()

    const page = await client.get(PAGE).loginAs(boss)
    page.assertStatus(200)
    const row = new RegExp(`data-package="${ID.replaceAll('.', '\\.')}"[\\s\\S]*?</tr>`).exec(page.text())![0]
    assert.include(row, 'Keyword logger')
    assert.include(row, 'Not blocked')
    assert.include(page.text(), 'data-nav="operator_marketplace"')

    const blocked = await client.post(`${PAGE}/${ID}/block`).form({ reason: 'Phones home' }).loginAs(boss).withCsrfToken().redirects(0)
    blocked.assertStatus(302)
    blocked.assertHeader('location', PAGE)
    blocked.assertFlashMessage('success', `${ID} blocked: stopped in 1 workspace`)
    assert.equal((await MarketplacePackage.findByOrFail('package_id', ID)).blockedReason, 'Phones home')
    assert.isUndefined(marketplace.state(ID, workspace.id), 'stopped in this process')
    const after = await client.get(PAGE).loginAs(boss)
    assert.include(after.text(), 'data-testid="blocked"')
    assert.include(after.text(), ' · Phones home</div>')
    assert.notInclude(after.text(), '@if')

    await client.post(`${PAGE}/${ID}/unblock`).loginAs(boss).withCsrfToken().redirects(0)
    assert.isNull((await MarketplacePackage.findByOrFail('package_id', ID)).blockedAt)
    assert.equal(marketplace.state(ID, workspace.id)?.status, 'active')

    const audit = await AuditLog.query().whereIn('action', ['marketplace.blocked', 'marketplace.unblocked']).where('actor_id', boss.id).orderBy('id')
    assert.deepEqual(audit.map((entry) => [entry.action, entry.meta.package, entry.meta.reason]), [['marketplace.blocked', ID, 'Phones home'], ['marketplace.unblocked', ID, null]])
  })

  test('non-operators are refused (403), even organization owners; guests go to the login; no nav entry', async ({ client, assert }) => {
    const { workspace, user: owner } = await workspaceWithMember('owner')
    await published()
    ;(await client.get(PAGE).loginAs(owner)).assertStatus(403)
    ;(await client.post(`${PAGE}/${ID}/block`).form({}).loginAs(owner).withCsrfToken()).assertStatus(403)
    ;(await client.post(`${PAGE}/${ID}/unblock`).loginAs(owner).withCsrfToken()).assertStatus(403)
    ;(await client.get(PAGE).redirects(0)).assertHeader('location', '/login')
    const dashboard = await client.get(`/w/${workspace.slug}`).loginAs(owner)
    dashboard.assertStatus(200)
    assert.notInclude(dashboard.text(), 'data-nav="operator_marketplace"')
  })

  test('a bad package id or an over-long reason is a 422 with the field, not a 500', async ({ client }) => {
    const boss = await operator()
    const bad = await client.post(`${PAGE}/not_an_id/block`).header('accept', 'application/json').form({}).loginAs(boss).withCsrfToken()
    bad.assertStatus(422)
    bad.assertBodyContains({ errors: [{ field: 'params.package' }] })
    const long = await client.post(`${PAGE}/${ID}/block`).header('accept', 'application/json').form({ reason: 'x'.repeat(301) }).loginAs(boss).withCsrfToken()
    long.assertStatus(422)
    long.assertBodyContains({ errors: [{ field: 'reason' }] })
  })
})
