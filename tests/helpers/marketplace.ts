import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import redis from '@adonisjs/redis/services/main'
import { hooks } from '#hooks/bus'
import { defineTestHook } from '#tests/helpers/hooks'
import { bundle, readPackageManifest } from '#marketplace/authoring'
import type { Manifest } from '#marketplace/manifest'
import { keyIdOf, packPackage } from '#marketplace/package'
import MarketplacePublisher from '#marketplace/models/publisher'
import { createPublisher } from '#marketplace/actions/create_publisher'
import { publishPackage } from '#marketplace/actions/publish_package'
import MarketplaceTrustedKey from '#marketplace/models/trusted_key'
import type Workspace from '#tenancy/models/workspace'

/** A hook of the tests' own, so no plugin's tap runs beside the packages'. */
export const TEST_HOOK = 'test.marketplaceFlow'

export const defineMarketplaceHook = () => defineTestHook(TEST_HOOK, 'A test event for installed packages.')

export const emitTestHook = (payload: { workspaceId: number; [key: string]: unknown }) => hooks.emit(TEST_HOOK as never, payload as never)

export const acmeKey = generateKeyPairSync('ed25519')
export const strangerKey = generateKeyPairSync('ed25519')
export const publicPem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString()

export function manifestOf(overrides: Partial<Manifest> = {}): Manifest {
  return {
    id: 'com.acme.keyword-logger',
    name: 'Keyword logger',
    version: '1.0.0',
    description: 'Logs every event it sees, for the tests.',
    author: { name: 'Acme' },
    category: 'utilities',
    engine: '>=0.1.0',
    hooks: [TEST_HOOK],
    capabilities: { log: true, settings: true, kv: { quotaBytes: 1024 } },
    settings: [{ key: 'keyword', label: 'Keyword', type: 'string', default: 'price' }],
    secrets: ['API_KEY'],
    ...overrides,
  }
}

export const LOGGING_SCRIPT = `import { log, settings, kv } from 'switchboard:api'
export default { async '${TEST_HOOK}'(event) { await kv.set('last', String(event.workspaceId)); log('saw', event.workspaceId, await settings.get('keyword')) } }`

export async function packOf(manifest: Manifest, options: { script?: string; readme?: string; key?: KeyObject } = {}) {
  return packPackage(
    { 'manifest.json': JSON.stringify(manifest), 'script.js': options.script ?? LOGGING_SCRIPT, 'README.md': options.readme ?? `# ${manifest.name}\n\nIt logs.` },
    options.key ?? acmeKey.privateKey
  )
}

/** The Acme publisher of this instance's registry (and its upload token). */
export async function acmePublisher() {
  return createPublisher('Acme', publicPem(acmeKey.publicKey))
}

/** Acme's publisher row, registered on first use. */
async function acme() {
  return (await MarketplacePublisher.findBy('key_id', keyIdOf(acmeKey.publicKey))) ?? (await acmePublisher()).publisher
}

/** Publishes `manifest` (packed with Acme's key) to this instance's registry. */
export async function published(manifest: Manifest = manifestOf(), options: Parameters<typeof packOf>[1] = {}) {
  return publishPackage(await acme(), await packOf(manifest, options))
}

/** The workspace's organization trusts Acme's key. */
export function trustAcme(workspace: Workspace) {
  return MarketplaceTrustedKey.create({ organizationId: workspace.organizationId, publisher: 'Acme', keyId: keyIdOf(acmeKey.publicKey), publicKey: publicPem(acmeKey.publicKey) })
}

/** An example of marketplace/examples, bundled as marketplace:pack does and signed with Acme's key (manifest overridable). */
export async function packedExample(name: string, overrides: Partial<Manifest> = {}) {
  const dir = app.makePath('marketplace', 'examples', name)
  const manifest = { ...(await readPackageManifest(dir)), ...overrides }
  return { manifest, archive: await packPackage({ 'manifest.json': JSON.stringify(manifest), 'script.js': await bundle(dir), 'README.md': await readFile(join(dir, 'README.md')) }, acmeKey.privateKey) }
}

/** Publishes an example to this instance's registry as Acme. */
export async function publishedExample(name: string, overrides: Partial<Manifest> = {}) {
  const { manifest, archive } = await packedExample(name, overrides)
  await publishPackage(await acme(), archive)
  return manifest
}

/** Failed publisher-token attempts are counted per IP in Redis: each test starts from none. */
export async function clearPublisherLimits() {
  const keys = await redis.keys('*mkp_*')
  if (keys.length) await redis.del(keys)
}

/** Installations' gathered metrics live in Redis beyond a test's transaction: each group starts from none. */
export async function clearMarketplaceMetrics() {
  const keys = (await Promise.all(['mkt:metrics:*', 'mkt:logs:*', 'mkt:heaps:*'].map((pattern) => redis.keys(pattern)))).flat()
  if (keys.length) await redis.del(keys)
}
