import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { marketplace, PLUGIN_PREFIX } from '#marketplace/runtime'
import { installPackage } from '#marketplace/actions/install_package'
import { saveInstallationSettings } from '#marketplace/actions/save_installation_settings'
import { blockPackage } from '#marketplace/actions/block_package'
import { loadAllInstallations, reloadInstallation } from '#marketplace/loader'
import MarketplaceInstallation from '#marketplace/models/installation'
import MarketplaceTrustedKey from '#marketplace/models/trusted_key'
import { MarketplaceRefused } from '#marketplace/errors'
import { workspaceWithMember } from '#database/factories/index'
import { defineMarketplaceHook, emitTestHook, manifestOf, packOf, published, trustAcme } from '#tests/helpers/marketplace'

const PLUGIN = PLUGIN_PREFIX + manifestOf().id

async function installed() {
  const { workspace, user } = await workspaceWithMember('admin')
  await trustAcme(workspace)
  await published()
  const { installation } = await installPackage({ workspace, packageId: manifestOf().id, consent: true, actorId: user.id })
  return { workspace, user, installation }
}

test.group('Marketplace installations: persistence and load-time verification', (group) => {
  group.setup(() => {
    defineMarketplaceHook()
    return () => marketplace.clear()
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.teardown(() => marketplace.clear())

  test('an installation is stored with its grants and settings, secrets encrypted, and loaded again at boot', async ({ assert }) => {
    const { workspace, user, installation } = await installed()
    assert.equal(installation.status, 'active')
    assert.sameMembers(installation.grants, ['log', 'settings', 'kv'])
    assert.deepEqual(installation.settings, { keyword: 'price' })
    assert.isTrue(marketplace.isActive(PLUGIN, workspace.id))

    await saveInstallationSettings(workspace, installation, { secrets: { API_KEY: 'sk_live_very_secret' } }, user.id)
    const raw = await db.from('marketplace_installations').where('id', installation.id).first()
    assert.notInclude(raw.secrets, 'sk_live_very_secret')
    assert.deepEqual((await MarketplaceInstallation.findOrFail(installation.id)).secretValues(), { API_KEY: 'sk_live_very_secret' })

    // A process starting afresh (web or worker boot) loads it from the database.
    marketplace.clear()
    assert.isFalse(marketplace.isActive(PLUGIN, workspace.id))
    await loadAllInstallations()
    assert.isTrue(marketplace.isActive(PLUGIN, workspace.id))
    await emitTestHook({ workspaceId: workspace.id })
    assert.deepEqual(marketplace.state(manifestOf().id, workspace.id)?.logs, [`saw ${workspace.id} price`])
  }).timeout(15_000)

  test('a stored archive that no longer matches its hash or signature is refused at load and quarantined', async ({ assert }) => {
    const { workspace, installation } = await installed()
    // Another package's bytes (validly signed, but not what was stored) in place of the archive.
    const other = await packOf(manifestOf({ description: 'A different package under the same id.' }))
    await db.from('marketplace_package_versions').where('id', installation.packageVersionId).update({ archive: other })

    assert.equal(await reloadInstallation(workspace.id, manifestOf().id), 'quarantined')
    const row = await MarketplaceInstallation.findOrFail(installation.id)
    assert.equal(row.status, 'quarantined')
    assert.match(row.lastFault!, /^tampered: /)
    assert.isFalse(marketplace.isActive(PLUGIN, workspace.id))
    // Quarantined stays out at the next boot.
    await loadAllInstallations()
    assert.isFalse(marketplace.isActive(PLUGIN, workspace.id))
  }).timeout(15_000)

  test('a package whose signing key the organization no longer trusts is quarantined on load', async ({ assert }) => {
    const { workspace, installation } = await installed()
    await MarketplaceTrustedKey.query().where('organization_id', workspace.organizationId).delete()
    assert.equal(await reloadInstallation(workspace.id, manifestOf().id), 'quarantined')
    assert.match((await MarketplaceInstallation.findOrFail(installation.id)).lastFault!, /^unknown_signer: /)
  }).timeout(15_000)

  test('an installation the runtime disables for its faults stays disabled: on its row, at the next boot', async ({ assert }) => {
    const { workspace, installation } = await installed()
    // What the runtime reports once the fault window is full (start/plugins.ts wires it to the row).
    marketplace.onDisabled!(manifestOf().id, workspace.id, {
      status: 'disabled',
      faults: 3,
      lastFault: { kind: 'timeout', message: 'took longer than 1000 ms', at: new Date() },
      logs: [],
    })
    let row = await MarketplaceInstallation.findOrFail(installation.id)
    for (let i = 0; i < 50 && row.status !== 'disabled'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      row = await MarketplaceInstallation.findOrFail(installation.id)
    }
    assert.equal(row.status, 'disabled')
    assert.equal(row.faults, 3)
    assert.equal(row.lastFault, 'timeout: took longer than 1000 ms')
    marketplace.clear()
    await loadAllInstallations()
    assert.isFalse(marketplace.isActive(PLUGIN, workspace.id))
  }).timeout(15_000)

  test('a package the operator blocks stops in every workspace at once, and cannot be installed', async ({ assert }) => {
    const first = await installed()
    const { workspace: second, user } = await workspaceWithMember('admin')
    await trustAcme(second)
    await installPackage({ workspace: second, packageId: manifestOf().id, consent: true, actorId: user.id })
    assert.isTrue(marketplace.isActive(PLUGIN, second.id))

    assert.equal(await blockPackage(manifestOf().id, true, { reason: 'malware' }), 2)
    assert.isFalse(marketplace.isActive(PLUGIN, first.workspace.id))
    assert.isFalse(marketplace.isActive(PLUGIN, second.id))
    await loadAllInstallations()
    assert.isFalse(marketplace.isActive(PLUGIN, first.workspace.id), 'a blocked package does not load at boot either')

    const { workspace: third, user: admin } = await workspaceWithMember('admin')
    await trustAcme(third)
    const refusal = await installPackage({ workspace: third, packageId: manifestOf().id, consent: true, actorId: admin.id }).catch((error) => error)
    assert.instanceOf(refusal, MarketplaceRefused)
    assert.equal(refusal.code, 'blocked')

    await blockPackage(manifestOf().id, false)
    assert.isTrue(marketplace.isActive(PLUGIN, first.workspace.id), 'lifting the block brings back what was installed')
  }).timeout(15_000)

  test('an install is refused without consent, for an untrusted signer, and for a downgrade', async ({ assert }) => {
    const { workspace, user } = await workspaceWithMember('admin')
    await published()
    const refused = (input: Partial<Parameters<typeof installPackage>[0]>) =>
      installPackage({ workspace, packageId: manifestOf().id, consent: true, actorId: user.id, ...input }).then(
        () => null,
        (error: MarketplaceRefused) => error.code
      )
    assert.equal(await refused({}), 'unknown_signer')
    await trustAcme(workspace)
    assert.equal(await refused({ consent: false }), 'consent_required')
    assert.isNull(await refused({}))
    await published(manifestOf({ version: '1.1.0' }))
    assert.isNull(await refused({ version: '1.1.0' }))
    assert.equal(await refused({ version: '1.0.0' }), 'downgrade')
    assert.equal(await MarketplaceInstallation.query().where('workspace_id', workspace.id).count('* as total').first().then((row) => Number(row!.$extras.total)), 1)
  }).timeout(15_000)
})
