import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import env from '#start/env'
import { dryRun, pack, publish, scaffold } from '#marketplace/authoring'
import { createPublisher } from '#marketplace/actions/create_publisher'
import { verifyPackage } from '#marketplace/package'
import app from '@adonisjs/core/services/app'
import { clearPublisherLimits } from '#tests/helpers/marketplace'

test.group('Marketplace authoring: new, pack, publish, test', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(() => clearPublisherLimits())

  test('a scaffold packs (bundled, signed with a key made on first use), publishes over HTTP and runs in the sandbox', async ({ assert, cleanup }) => {
    const dir = await mkdtemp(join(tmpdir(), 'mkt-author-'))
    cleanup(() => rm(dir, { recursive: true, force: true }))
    const pkg = join(dir, 'hello')
    await scaffold(pkg, 'com.example.hello')
    // A local module, bundled into the one script.js.
    await writeFile(join(pkg, 'src', 'shout.js'), `export const shout = (text) => text.toUpperCase() + '!'`)
    await writeFile(
      join(pkg, 'src', 'index.js'),
      `import { log, settings } from 'switchboard:api'\nimport { shout } from './shout.js'\nexport default { async 'message.received'(event) { log(shout(String(await settings.get('greeting'))), event.text) } }\n`
    )

    const packed = await pack(pkg, join(dir, 'key.pem'))
    assert.equal(packed.path, join(pkg, 'dist', 'com.example.hello-0.1.0.tgz'))
    const verified = await verifyPackage(await readFile(packed.path), [{ publisher: 'me', publicKey: packed.publicPem }])
    assert.notInclude(verified.script, "from './shout.js'")
    assert.include(verified.script, 'from "switchboard:api"')
    assert.equal((await pack(pkg, join(dir, 'key.pem'))).keyId, packed.keyId, 'the same key is used again')

    const { token } = await createPublisher('Me', packed.publicPem)
    const registry = `http://${env.get('HOST')}:${env.get('PORT')}/marketplace`
    const answer = await publish(packed.archive, registry, token)
    assert.equal(answer.status, 201)
    assert.equal((await publish(packed.archive, registry, 'mkp_wrong')).status, 401)

    const run = await dryRun(pkg, [
      { hook: 'message.received', payload: { workspaceId: 1, messageId: 1, text: 'hi' } },
      { hook: 'message.received', payload: { workspaceId: 1, messageId: 2, text: 'again' }, settings: { greeting: 'bye' } },
    ])
    assert.deepEqual(run.outcomes, [
      { hook: 'message.received', ok: true },
      { hook: 'message.received', ok: true },
    ])
    assert.deepEqual(run.logs, ['HELLO! hi', 'BYE! again'])
  }).timeout(20_000)

  test('marketplace:test runs filter and bail fixtures too and says what the hook ended with', async ({ assert, cleanup }) => {
    const dir = await mkdtemp(join(tmpdir(), 'mkt-filter-'))
    cleanup(() => rm(dir, { recursive: true, force: true }))
    const pkg = join(dir, 'guard')
    await scaffold(pkg, 'com.example.guard')
    const manifest = JSON.parse(await readFile(join(pkg, 'manifest.json'), 'utf8'))
    await writeFile(join(pkg, 'manifest.json'), JSON.stringify({ ...manifest, hooks: ['message.beforeSend', 'message.claim'] }))
    await writeFile(
      join(pkg, 'src', 'index.js'),
      `import { cancel } from 'switchboard:api'
export default {
  'message.beforeSend'(draft) { return draft.content.body === 'no' ? cancel('not today') : { ...draft, content: { body: draft.content.body.toUpperCase() } } },
  'message.claim'(claim) { return claim.content.body === 'mine' },
}\n`
    )
    const context = { conversationId: 1, channelId: 1, contactId: 1, authorType: 'agent' }
    const run = await dryRun(pkg, [
      { hook: 'message.beforeSend', payload: context, value: { type: 'text', content: { body: 'hi' } } },
      { hook: 'message.beforeSend', payload: context, value: { type: 'text', content: { body: 'no' } } },
      { hook: 'message.claim', payload: { messageId: 1, conversationId: 1, contactId: 1, channelId: 1, type: 'text', content: { body: 'mine' }, firstMessage: false } },
    ])
    assert.deepEqual(run.outcomes, [
      { hook: 'message.beforeSend', ok: true, result: { cancelled: false, value: { type: 'text', content: { body: 'HI' } } } },
      { hook: 'message.beforeSend', ok: true, result: { cancelled: true, value: { type: 'text', content: { body: 'no' } }, reason: 'not today' } },
      { hook: 'message.claim', ok: true, result: { plugin: 'marketplace:com.example.guard' } },
    ])
  }).timeout(20_000)

  test('the example packages pass their own fixtures; records and messages are recorded, not done', async ({ assert }) => {
    const example = (name: string) => app.makePath('marketplace', 'examples', name)
    const events = async (name: string) => JSON.parse(await readFile(join(example(name), 'fixtures', 'events.json'), 'utf8'))

    const tagged = await dryRun(example('auto-tag'), await events('auto-tag'))
    assert.isTrue(tagged.outcomes.every((outcome) => outcome.ok))
    assert.deepEqual(tagged.calls, [{ capability: 'records.contacts.addTag', args: [1, 'lead'] }])

    const closed = await dryRun(example('business-hours'), (await events('business-hours')).map((event: object) => ({ ...event, settings: { opens: 0, closes: 0 } })))
    assert.deepEqual(closed.calls.map((call) => call.capability), ['messages.send'])

    // No secret given: the host refuses to fill the header, and the script faults.
    const lead = await dryRun(example('lead-webhook'), await events('lead-webhook'))
    assert.match(lead.outcomes[0].error ?? '', /WEBHOOK_TOKEN/)
  }).timeout(20_000)
})
