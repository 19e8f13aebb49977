import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { marketplace, PLUGIN_PREFIX } from '#marketplace/runtime'
import { issueApiToken } from '#auth/api_tokens'
import MarketplaceInstallation from '#marketplace/models/installation'
import MarketplaceTrustedKey from '#marketplace/models/trusted_key'
import AuditLog from '#audit/audit_log'
import { keyIdOf } from '#marketplace/package'
import { makeOrganizationStaff, workspaceWithMember } from '#database/factories/index'
import { acmeKey, defineMarketplaceHook, manifestOf, publicPem, published, trustAcme } from '#tests/helpers/marketplace'

const ID = manifestOf().id
const PLUGIN = PLUGIN_PREFIX + ID

test.group('Marketplace API (/api/v1/marketplace) and trusted publisher keys', (group) => {
  group.setup(() => {
    defineMarketplaceHook()
    return () => marketplace.clear()
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.teardown(() => marketplace.clear())

  test('an operator’s script installs, configures, disables and uninstalls with a token', async ({ client, assert }) => {
    const { workspace, user } = await workspaceWithMember('admin')
    await trustAcme(workspace)
    await published()
    const { secret } = await issueApiToken(user, workspace, 'ops', ['marketplace.manage'])
    const api = `/api/v1/marketplace`

    const list = await client.get(`${api}/packages?q=logger`).bearerToken(secret)
    list.assertStatus(200)
    assert.deepEqual(list.body().data.map((pkg: { id: string }) => pkg.id), [ID])
    const details = await client.get(`${api}/packages/${ID}`).bearerToken(secret)
    assert.include(details.body().data.capabilities, 'Store up to 1 KB of its own data')

    const noConsent = await client.post(`${api}/installations/${ID}`).json({}).bearerToken(secret)
    noConsent.assertStatus(422)
    assert.equal(noConsent.body().errors[0].code, 'consent_required')
    const installed = await client.post(`${api}/installations/${ID}`).json({ consent: true }).bearerToken(secret)
    installed.assertStatus(200)
    assert.include(installed.body().data, { package: ID, version: '1.0.0', status: 'active' })
    assert.isTrue(marketplace.isActive(PLUGIN, workspace.id))

    const saved = await client.put(`${api}/installations/${ID}/settings`).json({ settings: { keyword: 'refund' }, secrets: { API_KEY: 'sk_live_x' } }).bearerToken(secret)
    saved.assertStatus(200)
    assert.deepEqual(saved.body().data.settings, { keyword: 'refund' })
    assert.deepEqual(saved.body().data.secrets, ['API_KEY'])
    assert.notInclude(JSON.stringify((await client.get(`${api}/installations/${ID}`).bearerToken(secret)).body()), 'sk_live_x')

    const bad = await client.put(`${api}/installations/${ID}/status`).json({ enabled: 'maybe' }).bearerToken(secret)
    bad.assertStatus(422)
    ;(await client.put(`${api}/installations/${ID}/status`).json({ enabled: false }).bearerToken(secret)).assertStatus(200)
    assert.isFalse(marketplace.isActive(PLUGIN, workspace.id))

    // Widening upgrade: 409 with the diff until consent is given.
    await published(manifestOf({ version: '2.0.0', capabilities: { log: true, settings: true, kv: { quotaBytes: 1024 }, messages: { send: true } } }))
    const widening = await client.post(`${api}/installations/${ID}`).json({ version: '2.0.0' }).bearerToken(secret)
    widening.assertStatus(409)
    assert.equal(widening.body().errors[0].code, 'consent_required')
    assert.deepEqual(widening.body().errors[0].added.map((line: { text: string }) => line.text), ['Send WhatsApp messages to your contacts'])
    ;(await client.post(`${api}/installations/${ID}`).json({ version: '2.0.0', consent: true }).bearerToken(secret)).assertStatus(200)

    ;(await client.delete(`${api}/installations/${ID}?deleteData=true`).bearerToken(secret)).assertStatus(204)
    assert.deepEqual((await client.get(`${api}/installations`).bearerToken(secret)).body().data, [])
  }).timeout(15_000)

  test('a token without marketplace.manage is refused; another workspace’s installation is a 404', async ({ client, assert }) => {
    const a = await workspaceWithMember('admin')
    const b = await workspaceWithMember('admin')
    await trustAcme(a.workspace)
    await published()
    const tokenA = await issueApiToken(a.user, a.workspace, 'a', ['marketplace.manage'])
    const tokenB = await issueApiToken(b.user, b.workspace, 'b', ['marketplace.manage'])
    const viewOnly = await issueApiToken(a.user, a.workspace, 'view', ['workspace.view'])
    ;(await client.post(`/api/v1/marketplace/installations/${ID}`).json({ consent: true }).bearerToken(tokenA.secret)).assertStatus(200)

    ;(await client.get('/api/v1/marketplace/installations').bearerToken(viewOnly.secret)).assertStatus(403)
    ;(await client.get(`/api/v1/marketplace/installations/${ID}`).bearerToken(tokenB.secret)).assertStatus(404)
    ;(await client.delete(`/api/v1/marketplace/installations/${ID}`).bearerToken(tokenB.secret)).assertStatus(404)
    assert.exists(await MarketplaceInstallation.findBy('workspace_id', a.workspace.id))
    // B's organization does not trust Acme: the same package is refused there.
    const untrusted = await client.post(`/api/v1/marketplace/installations/${ID}`).json({ consent: true }).bearerToken(tokenB.secret)
    untrusted.assertStatus(422)
    assert.equal(untrusted.body().errors[0].code, 'unknown_signer')
  }).timeout(15_000)

  test('organization staff manage trusted keys; removing one stops what it signed; workspace admins may not', async ({ client, assert }) => {
    const { workspace, user } = await workspaceWithMember('admin')
    ;(await client.get(`/w/${workspace.slug}/marketplace/keys`).loginAs(user)).assertStatus(403)
    await makeOrganizationStaff(workspace, user)

    const invalid = await client.post(`/w/${workspace.slug}/marketplace/keys`).json({ publisher: 'Acme', publicKey: 'not a key' }).header('accept', 'application/json').loginAs(user).withCsrfToken()
    invalid.assertStatus(422)
    assert.equal(invalid.body().errors[0].field, 'publicKey')
    await client.post(`/w/${workspace.slug}/marketplace/keys`).form({ publisher: 'Acme', publicKey: publicPem(acmeKey.publicKey) }).loginAs(user).withCsrfToken().redirects(0)
    const key = await MarketplaceTrustedKey.findByOrFail('organization_id', workspace.organizationId)
    assert.equal(key.keyId, keyIdOf(acmeKey.publicKey))
    assert.include((await client.get(`/w/${workspace.slug}/marketplace/keys`).loginAs(user)).text(), `data-key="${key.keyId}"`)

    await published()
    await client.post(`/w/${workspace.slug}/marketplace/${ID}/install`).form({ consent: 'true' }).loginAs(user).withCsrfToken().redirects(0)
    assert.isTrue(marketplace.isActive(PLUGIN, workspace.id))

    await client.delete(`/w/${workspace.slug}/marketplace/keys/${key.id}`).loginAs(user).withCsrfToken().redirects(0)
    assert.isFalse(marketplace.isActive(PLUGIN, workspace.id))
    assert.equal((await MarketplaceInstallation.findByOrFail('workspace_id', workspace.id)).status, 'quarantined')
    assert.includeMembers((await AuditLog.query().where('workspace_id', workspace.id)).map((entry) => entry.action), ['marketplace.key_trusted', 'marketplace.key_removed'])
    const other = await workspaceWithMember('admin')
    await makeOrganizationStaff(other.workspace, other.user)
    ;(await client.delete(`/w/${other.workspace.slug}/marketplace/keys/${key.id}`).loginAs(other.user).withCsrfToken()).assertStatus(404)
  }).timeout(15_000)
})
