import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { BaseSeeder } from '@adonisjs/lucid/seeders'
import app from '@adonisjs/core/services/app'
import User from '#auth/models/user'
import Membership from '#tenancy/models/membership'
import Workspace from '#tenancy/models/workspace'
import MarketplacePublisher from '#marketplace/models/publisher'
import MarketplacePackageVersion, { LOCAL_REGISTRY } from '#marketplace/models/package_version'
import MarketplaceInstallation from '#marketplace/models/installation'
import MarketplaceTrustedKey from '#marketplace/models/trusted_key'
import { bundle, readPackageManifest } from '#marketplace/authoring'
import { keyIdOf, packPackage } from '#marketplace/package'
import { createPublisher } from '#marketplace/actions/create_publisher'
import { publishPackage } from '#marketplace/actions/publish_package'
import { installPackage } from '#marketplace/actions/install_package'
import { setInstallationStatus } from '#marketplace/actions/set_installation_status'

/** This install's demo signing key (made once; it signs the example packages it publishes to itself). */
const DEMO_KEY = 'tmp/marketplace-demo-key.pem'
const EXAMPLES = ['auto-tag', 'business-hours', 'lead-webhook']
/** Installed but off: it posts to https://hooks.example.com until pointed at a real endpoint. */
const INSTALLED_OFF = new Set(['dev.switchboard.lead-webhook'])

/**
 * The marketplace in the demo: the three example packages (marketplace/examples) published to this
 * instance's registry by "Switchboard examples", whose key the demo organization trusts, and
 * installed in the demo workspace. Idempotent.
 */
export default class DemoMarketplaceSeeder extends BaseSeeder {
  async run() {
    const user = await User.findBy('email', 'demo@switchboard.local')
    const membership = user ? await Membership.query().where('user_id', user.id).orderBy('id').first() : null
    if (!user || !membership) return
    const workspace = await Workspace.findOrFail(membership.workspaceId)

    const path = app.makePath(DEMO_KEY)
    if (!existsSync(path)) {
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
    }
    const privateKey = createPrivateKey(await readFile(path, 'utf8'))
    const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()
    const keyId = keyIdOf(privateKey)
    const publisher = (await MarketplacePublisher.findBy('key_id', keyId)) ?? (await createPublisher('Switchboard examples', publicPem)).publisher
    await MarketplaceTrustedKey.firstOrCreate({ organizationId: workspace.organizationId, keyId }, { publisher: publisher.name, publicKey: publicPem })

    for (const name of EXAMPLES) {
      const dir = app.makePath('marketplace', 'examples', name)
      const manifest = await readPackageManifest(dir)
      const stored = await MarketplacePackageVersion.query().where('package_id', manifest.id).where('version', manifest.version).where('registry', LOCAL_REGISTRY).first()
      if (!stored) {
        const files = { 'manifest.json': await readFile(join(dir, 'manifest.json')), 'script.js': await bundle(dir), 'README.md': await readFile(join(dir, 'README.md')) }
        await publishPackage(publisher, await packPackage(files, privateKey))
      }
      if (await MarketplaceInstallation.query().where('workspace_id', workspace.id).where('package_id', manifest.id).first()) continue
      const { installation } = await installPackage({ workspace, packageId: manifest.id, consent: true, actorId: user.id })
      if (INSTALLED_OFF.has(manifest.id)) await setInstallationStatus(workspace, installation, false, user.id)
    }
  }
}
