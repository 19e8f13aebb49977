import { test } from '@japa/runner'
import env from '#start/env'
import testUtils from '@adonisjs/core/services/test_utils'
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { marketplace } from '#marketplace/runtime'
import { marketplaceConfig } from '#config/marketplace'
import { forgetRemoteIndexes } from '#marketplace/catalogue'
import { installPackage } from '#marketplace/actions/install_package'
import { MarketplaceRefused } from '#marketplace/errors'
import MarketplaceInstallation from '#marketplace/models/installation'
import { createPublisher } from '#marketplace/actions/create_publisher'
import { keyIdOf } from '#marketplace/package'
import { publisherPerToken } from '#start/limiter'
import { publisherRateKey } from '#marketplace/controllers/registry_controller'
import { workspaceWithMember } from '#database/factories/index'
import { acmeKey, acmePublisher, clearPublisherLimits, defineMarketplaceHook, manifestOf, packOf, publicPem, strangerKey, trustAcme } from '#tests/helpers/marketplace'

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

/** A raw application/gzip body, as `curl --data-binary @package.tgz` sends it (the API client cannot send raw bytes). */
async function uploadRaw(archive: Buffer, token?: string) {
  const response = await fetch(`http://${env.get('HOST')}:${env.get('PORT')}/marketplace/api/packages`, {
    method: 'POST',
    headers: { 'content-type': 'application/gzip', 'accept': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: archive,
  })
  return { status: response.status, body: (await response.json()) as any }
}

test.group('Marketplace registry: index, download and the publisher API', (group) => {
  group.setup(() => {
    defineMarketplaceHook()
    return () => marketplace.clear()
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(() => clearPublisherLimits())

  test('a publisher uploads a signed .tgz (raw or multipart); the index lists it and the archive downloads byte for byte', async ({ client, assert }) => {
    const { token } = await acmePublisher()
    const archive = await packOf(manifestOf())
    const raw = await uploadRaw(archive, token)
    assert.equal(raw.status, 201)
    assert.deepInclude(raw.body.data, { id: 'com.acme.keyword-logger', version: '1.0.0', sha256: sha256(archive), keyId: keyIdOf(acmeKey.publicKey) })

    const next = await packOf(manifestOf({ version: '1.1.0' }))
    const multipart = await client.post('/marketplace/api/packages').bearerToken(token).file('package', next, { filename: 'package.tgz' })
    multipart.assertStatus(201)

    const index = await client.get('/marketplace/index.json')
    index.assertStatus(200)
    const [entry] = index.body().packages
    assert.include(entry, { id: 'com.acme.keyword-logger', publisher: 'Acme', blocked: false, deprecated: null })
    assert.deepEqual(
      entry.versions.map((version: Record<string, unknown>) => [version.version, version.sha256, version.keyId, version.yanked]),
      [
        ['1.0.0', sha256(archive), keyIdOf(acmeKey.publicKey), false],
        ['1.1.0', sha256(next), keyIdOf(acmeKey.publicKey), false],
      ]
    )
    assert.match(entry.versions[0].signature, /^[A-Za-z0-9+/]+=*$/)

    const download = await client.get(`/marketplace/${entry.versions[0].url}`)
    download.assertStatus(200)
    assert.equal(download.header('x-content-sha256'), sha256(archive))
  })

  test('uploads are refused: no token, a package signed by another key, someone else’s id, a repeated or older version', async ({ assert }) => {
    const { token } = await acmePublisher()
    const upload = (archive: Buffer, bearer: string | undefined = token) => uploadRaw(archive, bearer)
    const refusal = (answer: { status: number; body: any }) => [answer.status, answer.body.errors[0].code ?? null]

    assert.equal((await uploadRaw(await packOf(manifestOf()))).status, 401)
    assert.deepEqual(refusal(await upload(await packOf(manifestOf(), { key: strangerKey.privateKey }))), [422, 'unknown_signer'])
    assert.deepEqual(refusal(await upload(Buffer.from('hello'))), [422, 'malformed'])

    assert.equal((await upload(await packOf(manifestOf({ version: '1.2.0' })))).status, 201)
    assert.deepEqual(refusal(await upload(await packOf(manifestOf({ version: '1.2.0' })))), [409, 'exists'])
    assert.deepEqual(refusal(await upload(await packOf(manifestOf({ version: '1.1.0' })))), [409, 'downgrade'])

    const other = await createPublisher('Mallory', publicPem(strangerKey.publicKey))
    assert.deepEqual(refusal(await upload(await packOf(manifestOf({ version: '2.0.0' }), { key: strangerKey.privateKey }), other.token)), [403, 'not_owner'])
  })

  test('a yanked version leaves the index’s installable versions and cannot be installed; the publisher lists and deprecates its packages', async ({ client, assert }) => {
    const { token } = await acmePublisher()
    const upload = async (version: string) => assert.equal((await uploadRaw(await packOf(manifestOf({ version })), token)).status, 201)
    await upload('1.0.0')
    await upload('1.1.0')
    ;(await client.post('/marketplace/api/packages/com.acme.keyword-logger/1.1.0/yank').bearerToken(token)).assertStatus(204)
    ;(await client.post('/marketplace/api/packages/com.acme.keyword-logger/9.9.9/yank').bearerToken(token)).assertStatus(404)

    const list = await client.get('/marketplace/api/packages').bearerToken(token)
    assert.deepEqual(list.body().data[0].versions.map((version: { version: string; yanked: boolean }) => [version.version, version.yanked]), [
      ['1.0.0', false],
      ['1.1.0', true],
    ])

    const deprecate = (message: string | null, bearer = token) => client.post('/marketplace/api/packages/com.acme.keyword-logger/deprecate').json({ message }).bearerToken(bearer)
    ;(await deprecate('Use com.acme.better instead')).assertStatus(204)
    assert.equal((await client.get('/marketplace/index.json')).body().packages[0].deprecated, 'Use com.acme.better instead')
    ;(await deprecate('x'.repeat(301))).assertStatus(422)
    ;(await deprecate(null, (await createPublisher('Mallory', publicPem(strangerKey.publicKey))).token)).assertStatus(404)

    const { workspace, user } = await workspaceWithMember('admin')
    await trustAcme(workspace)
    const yanked = await installPackage({ workspace, packageId: 'com.acme.keyword-logger', version: '1.1.0', consent: true, actorId: user.id }).catch((error) => error)
    assert.equal((yanked as MarketplaceRefused).code, 'yanked')
    const { installation } = await installPackage({ workspace, packageId: 'com.acme.keyword-logger', consent: true, actorId: user.id })
    assert.equal(installation.version, '1.0.0', 'the newest version not yanked')
  })

  test('guessing publisher tokens is rate limited per address', async ({ assert }) => {
    const archive = await packOf(manifestOf())
    for (let attempt = 1; attempt <= 20; attempt++) assert.equal((await uploadRaw(archive, `mkp_guess${attempt}`)).status, 401)
    const limited = await uploadRaw(archive, 'mkp_guess21')
    assert.equal(limited.status, 429)
  })

  test('each publisher token has its own budget (60 a minute by default): over it, 429 with Retry-After; other publishers go on', async ({ client, assert }) => {
    const acme = await acmePublisher()
    const other = await createPublisher('Globex', publicPem(strangerKey.publicKey))
    const requests = Array.from({ length: 60 }, () => client.get('/marketplace/api/packages').bearerToken(acme.token))
    for (const response of await Promise.all(requests)) response.assertStatus(200)
    const limited = await client.get('/marketplace/api/packages').accept('json').bearerToken(acme.token)
    limited.assertStatus(429)
    assert.isAtLeast(Number(limited.header('retry-after')), 1)
    assert.property(limited.body(), 'errors')
    // Uploads count against the same budget.
    assert.equal((await uploadRaw(await packOf(manifestOf()), acme.token)).status, 429)
    ;(await client.get('/marketplace/api/packages').bearerToken(other.token)).assertStatus(200)
    assert.equal((await publisherPerToken.get(publisherRateKey(acme.publisher.id)))?.remaining, 0)
  })

  test('packages of another configured registry are listed, downloaded with their hash checked, and installed', async ({ assert, cleanup }) => {
    const manifest = manifestOf({ id: 'com.remote.keyword-logger', name: 'Remote logger' })
    const archive = await packOf(manifest)
    let served = archive
    const server: Server = createServer((request, response) => {
      if (request.url === '/market/index.json') {
        response.setHeader('content-type', 'application/json')
        const version = { version: '1.0.0', sha256: sha256(archive), signature: 'x', keyId: keyIdOf(acmeKey.publicKey), yanked: false, url: 'packages/remote.tgz', manifest, readme: null, publishedAt: '2026-12-01T00:00:00Z' }
        return response.end(JSON.stringify({ format: 1, packages: [{ id: manifest.id, publisher: 'Acme', deprecated: null, blocked: false, versions: [version] }] }))
      }
      if (request.url === '/market/packages/remote.tgz') return response.end(served)
      response.statusCode = 404
      response.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const saved = marketplaceConfig.registries
    marketplaceConfig.registries = [`http://127.0.0.1:${(server.address() as AddressInfo).port}/market`]
    forgetRemoteIndexes()
    cleanup(() => {
      marketplaceConfig.registries = saved
      forgetRemoteIndexes()
      server.close()
    })

    const { workspace, user } = await workspaceWithMember('admin')
    await trustAcme(workspace)
    // A different archive than the index's hash: refused before it is stored.
    served = await packOf(manifestOf({ id: 'com.remote.keyword-logger', description: 'Not what the index lists.' }))
    const refusal = await installPackage({ workspace, packageId: manifest.id, consent: true, actorId: user.id }).catch((error) => error)
    assert.equal((refusal as MarketplaceRefused).code, 'unavailable')

    served = archive
    const { installation } = await installPackage({ workspace, packageId: manifest.id, consent: true, actorId: user.id })
    assert.equal(installation.status, 'active')
    assert.equal((await MarketplaceInstallation.query().where('id', installation.id).preload('packageVersion').firstOrFail()).packageVersion.registry, marketplaceConfig.registries[0])
  })
})
