import { test } from '@japa/runner'
import { gunzipSync, gzipSync } from 'node:zlib'
import { packPackage, verifyPackage, PackageRefused } from '#marketplace/package'
import { parseManifest, ManifestError } from '#marketplace/manifest'
import { manifestOf, publisher, rejection, stranger, trusted } from './fixtures.js'

const script = `import { log } from 'switchboard:api'\nexport default { 'test.event': () => log('hi') }`
const files = () => ({ 'manifest.json': JSON.stringify(manifestOf()), 'script.js': script, 'README.md': '# Test' })

const refusal = (promise: Promise<unknown>) => rejection(promise, PackageRefused)

test.group('Marketplace packages', () => {
  test('a packed package verifies against its publisher key', async ({ assert }) => {
    const pkg = await verifyPackage(await packPackage(files(), publisher.privateKey), trusted, { engineVersion: '0.1.0' })
    assert.equal(pkg.manifest.id, 'com.acme.test-package')
    assert.equal(pkg.script, script)
    assert.equal(pkg.publisher, 'Acme')
  })

  test('a tampered file is refused', async ({ assert }) => {
    const tar = gunzipSync(await packPackage(files(), publisher.privateKey))
    const at = tar.indexOf("log('hi')")
    tar.write("log('HI')", at)
    // Fix the tar header checksum is not needed: file data is not covered by it.
    const error = await refusal(verifyPackage(gzipSync(tar), trusted))
    assert.equal(error.reason, 'tampered')
    assert.include(error.message, 'script.js')
  })

  test('a package signed by an unknown key is refused', async ({ assert }) => {
    const error = await refusal(verifyPackage(await packPackage(files(), stranger.privateKey), trusted))
    assert.equal(error.reason, 'unknown_signer')
  })

  test('an unsigned package is refused', async ({ assert }) => {
    const { Header } = await import('tar')
    const data = Buffer.from(JSON.stringify(manifestOf()))
    const header = Buffer.alloc(512)
    new Header({ path: 'manifest.json', mode: 0o644, size: data.length, type: 'File', mtime: new Date(0) }).encode(header)
    const tar = Buffer.concat([header, data, Buffer.alloc(512 - (data.length % 512)), Buffer.alloc(1024)])
    const error = await refusal(verifyPackage(gzipSync(tar), trusted))
    assert.equal(error.reason, 'unsigned')
  })

  test('a downgrade and a wrong engine are refused', async ({ assert }) => {
    const archive = await packPackage(files(), publisher.privateKey)
    assert.equal((await refusal(verifyPackage(archive, trusted, { installedVersion: '1.2.0' }))).reason, 'downgrade')
    assert.equal((await refusal(verifyPackage(archive, trusted, { engineVersion: '0.0.1' }))).reason, 'engine')
  })

  test('manifest problems are listed field by field', async ({ assert }) => {
    try {
      await parseManifest({ ...manifestOf(), id: 'Not An Id', engine: 'whenever', capabilities: { http: { origins: [{ origin: 'ftp://x', methods: ['GET'] }] } } })
      assert.fail('accepted')
    } catch (error) {
      assert.instanceOf(error, ManifestError)
      const text = (error as ManifestError).problems.join('\n')
      assert.include(text, 'id:')
      assert.include(text, 'capabilities.http.origins.0.origin')
    }
    await assert.rejects(() => parseManifest({ ...manifestOf(), engine: 'whenever' }), /engine: "whenever" is not a semver range/)
  })
})
