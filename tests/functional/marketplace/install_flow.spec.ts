import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { marketplace, PLUGIN_PREFIX, redisKv } from '#marketplace/runtime'
import MarketplaceInstallation from '#marketplace/models/installation'
import AuditLog from '#audit/audit_log'
import { addMember, workspaceWithMember } from '#database/factories/index'
import { defineMarketplaceHook, emitTestHook, manifestOf, published, trustAcme } from '#tests/helpers/marketplace'

const ID = manifestOf().id
const PLUGIN = PLUGIN_PREFIX + ID
const README = `# Keyword logger

Logs **every** event. <script>alert(1)</script> <img src=x onerror=alert(2)>

- [Docs](https://example.com/docs)
- [Bad](javascript:alert(3))`

const webhook = manifestOf({
  version: '1.1.0',
  capabilities: { ...manifestOf().capabilities, http: { origins: [{ origin: 'https://hooks.example.com', methods: ['POST'] }] }, messages: { send: true } },
})

async function adminWithPackage() {
  const { workspace, user } = await workspaceWithMember('admin')
  await trustAcme(workspace)
  await published(manifestOf(), { readme: README })
  return { workspace, user }
}

const actions = async (workspaceId: number) => (await AuditLog.query().where('workspace_id', workspaceId).orderBy('id')).map((entry) => entry.action)

test.group('Marketplace install flow (workspace admin pages)', (group) => {
  group.setup(() => {
    defineMarketplaceHook()
    return () => marketplace.clear()
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.teardown(() => marketplace.clear())

  test('browse with search and category; the details page shows what it may do and a README that carries no markup of its own', async ({ client, assert }) => {
    const { workspace, user } = await adminWithPackage()
    const list = await client.get(`/w/${workspace.slug}/marketplace`).loginAs(user)
    list.assertStatus(200)
    assert.include(list.text(), 'data-package="com.acme.keyword-logger"')
    assert.notInclude((await client.get(`/w/${workspace.slug}/marketplace?q=nothing+like+it`).loginAs(user)).text(), 'data-package=')
    assert.notInclude((await client.get(`/w/${workspace.slug}/marketplace?category=crm`).loginAs(user)).text(), 'data-package=')
    assert.include((await client.get(`/w/${workspace.slug}/marketplace?q=LOGGER&category=utilities`).loginAs(user)).text(), 'data-package=')
    ;(await client.get(`/w/${workspace.slug}/marketplace?category=weapons`).loginAs(user).header('accept', 'application/json')).assertStatus(422)

    const page = await client.get(`/w/${workspace.slug}/marketplace/${ID}`).loginAs(user)
    page.assertStatus(200)
    const html = page.text()
    assert.include(html, 'Store up to 1 KB of its own data')
    assert.include(html, '<strong>every</strong>')
    assert.include(html, '&lt;script&gt;alert(1)&lt;/script&gt;')
    assert.notInclude(html, '<img src=x')
    assert.include(html, '<a href="https://example.com/docs" rel="noopener noreferrer nofollow" target="_blank">Docs</a>')
    assert.notInclude(html, 'href="javascript:')
    ;(await client.get(`/w/${workspace.slug}/marketplace/com.acme.nothing-here`).loginAs(user)).assertStatus(404)
  })

  test('install goes through the consent screen, for this workspace only, and is audited', async ({ client, assert }) => {
    const { workspace, user } = await adminWithPackage()
    const other = await workspaceWithMember('admin')
    await trustAcme(other.workspace)

    const consent = await client.get(`/w/${workspace.slug}/marketplace/${ID}/install`).loginAs(user)
    consent.assertStatus(200)
    for (const line of ['Write lines to its own log, shown on its page here', 'Read the settings you give it', 'Store up to 1 KB of its own data']) assert.include(consent.text(), line)

    // A post without the consent box installs nothing.
    await client.post(`/w/${workspace.slug}/marketplace/${ID}/install`).form({}).loginAs(user).withCsrfToken().redirects(0)
    assert.isNull(await MarketplaceInstallation.findBy('workspace_id', workspace.id))

    const done = await client.post(`/w/${workspace.slug}/marketplace/${ID}/install`).form({ consent: 'true' }).loginAs(user).withCsrfToken().redirects(0)
    done.assertStatus(302)
    assert.isTrue(marketplace.isActive(PLUGIN, workspace.id))
    assert.isFalse(marketplace.isActive(PLUGIN, other.workspace.id))
    await emitTestHook({ workspaceId: workspace.id })
    await emitTestHook({ workspaceId: other.workspace.id })
    assert.deepEqual(marketplace.state(ID, workspace.id)?.logs, [`saw ${workspace.id} price`])
    assert.include(await actions(workspace.id), 'marketplace.installed')

    // Another workspace's admin cannot reach this workspace's installation.
    const foreign = await client.put(`/w/${other.workspace.slug}/marketplace/${ID}/settings`).form({ keyword: 'x' }).loginAs(other.user).withCsrfToken()
    foreign.assertStatus(404)
  })

  test('settings from the manifest; secrets write-only and encrypted; disable, enable, uninstall with its data — each audited', async ({ client, assert }) => {
    const { workspace, user } = await adminWithPackage()
    await client.post(`/w/${workspace.slug}/marketplace/${ID}/install`).form({ consent: 'true' }).loginAs(user).withCsrfToken().redirects(0)
    const base = `/w/${workspace.slug}/marketplace/${ID}`

    await client.put(`${base}/settings`).form({ keyword: 'refund' }).loginAs(user).withCsrfToken().redirects(0)
    await client.put(`${base}/secrets`).form({ API_KEY: 'sk_live_never_shown' }).loginAs(user).withCsrfToken().redirects(0)
    const installation = await MarketplaceInstallation.findByOrFail('workspace_id', workspace.id)
    assert.deepEqual(installation.settings, { keyword: 'refund' })
    assert.deepEqual(installation.secretValues(), { API_KEY: 'sk_live_never_shown' })
    assert.notInclude((await db.from('marketplace_installations').where('id', installation.id).first()).secrets, 'sk_live')
    const page = await client.get(base).loginAs(user)
    assert.match(page.text(), /<input[^>]+name="keyword"[^>]+value="refund"/)
    assert.notInclude(page.text(), 'sk_live_never_shown')
    // An empty secret field keeps the stored value.
    await client.put(`${base}/secrets`).form({ API_KEY: '' }).loginAs(user).withCsrfToken().redirects(0)
    assert.deepEqual((await installation.refresh()).secretValues(), { API_KEY: 'sk_live_never_shown' })

    await emitTestHook({ workspaceId: workspace.id })
    assert.equal(await redisKv(ID, workspace.id).get('last'), JSON.stringify(String(workspace.id)))

    await client.post(`${base}/disable`).loginAs(user).withCsrfToken().redirects(0)
    assert.equal((await installation.refresh()).status, 'disabled')
    assert.isFalse(marketplace.isActive(PLUGIN, workspace.id))
    await client.post(`${base}/enable`).loginAs(user).withCsrfToken().redirects(0)
    assert.equal((await installation.refresh()).status, 'active')
    assert.isTrue(marketplace.isActive(PLUGIN, workspace.id))

    await client.delete(base).form({ deleteData: 'true' }).loginAs(user).withCsrfToken().redirects(0)
    assert.isNull(await MarketplaceInstallation.find(installation.id))
    assert.isFalse(marketplace.isActive(PLUGIN, workspace.id))
    assert.isNull(await redisKv(ID, workspace.id).get('last'))
    assert.includeMembers(await actions(workspace.id), [
      'marketplace.installed',
      'marketplace.settings_changed',
      'marketplace.disabled',
      'marketplace.enabled',
      'marketplace.uninstalled',
    ])
    const uninstalled = await AuditLog.query().where('workspace_id', workspace.id).where('action', 'marketplace.uninstalled').firstOrFail()
    assert.include(uninstalled.meta, { package: ID, deleteData: true })
    const secretsEntry = await AuditLog.query().where('workspace_id', workspace.id).where('action', 'marketplace.settings_changed').orderBy('id', 'desc').firstOrFail()
    assert.notInclude(JSON.stringify(secretsEntry.meta), 'sk_live')
  }).timeout(15_000)

  test('uninstalling without "delete its data" keeps the data', async ({ client, assert }) => {
    const { workspace, user } = await adminWithPackage()
    await client.post(`/w/${workspace.slug}/marketplace/${ID}/install`).form({ consent: 'true' }).loginAs(user).withCsrfToken().redirects(0)
    await emitTestHook({ workspaceId: workspace.id })
    await client.delete(`/w/${workspace.slug}/marketplace/${ID}`).form({}).loginAs(user).withCsrfToken().redirects(0)
    assert.equal(await redisKv(ID, workspace.id).get('last'), JSON.stringify(String(workspace.id)))
    await redisKv(ID, workspace.id).clear()
  })

  test('an upgrade that widens what it may do shows the diff and asks consent again; a narrower one does not', async ({ client, assert }) => {
    const { workspace, user } = await adminWithPackage()
    await client.post(`/w/${workspace.slug}/marketplace/${ID}/install`).form({ consent: 'true' }).loginAs(user).withCsrfToken().redirects(0)
    await published(webhook)

    const consent = await client.get(`/w/${workspace.slug}/marketplace/${ID}/install`).loginAs(user)
    const added = /data-testid="added">([\s\S]*?)<\/ul>/.exec(consent.text())?.[1] ?? ''
    assert.include(added, 'Call https://hooks.example.com with POST')
    assert.include(added, 'Send WhatsApp messages to your contacts')
    assert.notInclude(added, 'Read the settings you give it')

    await client.post(`/w/${workspace.slug}/marketplace/${ID}/install`).form({ version: '1.1.0' }).loginAs(user).withCsrfToken().redirects(0)
    assert.equal((await MarketplaceInstallation.findByOrFail('workspace_id', workspace.id)).version, '1.0.0', 'no consent, no upgrade')
    await client.post(`/w/${workspace.slug}/marketplace/${ID}/install`).form({ version: '1.1.0', consent: 'true' }).loginAs(user).withCsrfToken().redirects(0)
    const upgraded = await MarketplaceInstallation.findByOrFail('workspace_id', workspace.id)
    assert.equal(upgraded.version, '1.1.0')
    assert.includeMembers(upgraded.grants, ['http', 'messages'])

    // 1.2.0 drops the webhook: no consent needed.
    await published(manifestOf({ version: '1.2.0', capabilities: { ...webhook.capabilities, http: undefined } }))
    const narrower = await client.get(`/w/${workspace.slug}/marketplace/${ID}/install`).loginAs(user)
    assert.include(narrower.text(), 'data-testid="no-widening"')
    await client.post(`/w/${workspace.slug}/marketplace/${ID}/install`).form({ version: '1.2.0' }).loginAs(user).withCsrfToken().redirects(0)
    assert.equal((await MarketplaceInstallation.findByOrFail('workspace_id', workspace.id)).version, '1.2.0')
    assert.include(await actions(workspace.id), 'marketplace.upgraded')
  }).timeout(15_000)

  test('the consent screen of the installed version or an older one is not an "upgrade": it goes back to the package and says why', async ({ client, assert }) => {
    const { workspace, user } = await adminWithPackage()
    await client.post(`/w/${workspace.slug}/marketplace/${ID}/install`).form({ consent: 'true' }).loginAs(user).withCsrfToken().redirects(0)
    const base = `/w/${workspace.slug}/marketplace/${ID}`

    const same = await client.get(`${base}/install`).qs({ version: '1.0.0' }).loginAs(user).redirects(0)
    same.assertStatus(302)
    same.assertHeader('location', base)
    same.assertFlashMessage('info', 'Version 1.0.0 is installed already.')
    assert.notInclude(same.text(), 'Upgrading from')

    await published(manifestOf({ version: '1.1.0' }))
    await client.post(`${base}/install`).form({ version: '1.1.0', consent: 'true' }).loginAs(user).withCsrfToken().redirects(0)
    const older = await client.get(`${base}/install`).qs({ version: '1.0.0' }).loginAs(user).redirects(0)
    older.assertStatus(302)
    older.assertFlashMessage('info', 'Version 1.0.0 is older than the installed 1.1.0: downgrades are not possible.')
    // A newer version still gets its consent screen.
    await published(manifestOf({ version: '1.2.0' }))
    const newer = await client.get(`${base}/install`).loginAs(user)
    newer.assertStatus(200)
    assert.include(newer.text(), 'Upgrading from 1.1.0 to 1.2.0.')
  }).timeout(15_000)

  test('the consent screen speaks the admin’s language', async ({ client, assert }) => {
    const { workspace, user } = await adminWithPackage()
    await published(webhook)
    user.locale = 'ru'
    await user.save()
    const consent = await client.get(`/w/${workspace.slug}/marketplace/${ID}/install`).loginAs(user)
    assert.include(consent.text(), 'Обращаться к https://hooks.example.com методом POST')
    assert.include(consent.text(), 'Отправлять сообщения WhatsApp вашим контактам')
  })

  test('agents and viewers cannot install or even browse', async ({ client }) => {
    const { workspace } = await adminWithPackage()
    const agent = await addMember(workspace, 'agent')
    ;(await client.get(`/w/${workspace.slug}/marketplace`).loginAs(agent)).assertStatus(403)
    ;(await client.post(`/w/${workspace.slug}/marketplace/${ID}/install`).form({ consent: 'true' }).loginAs(agent).withCsrfToken()).assertStatus(403)
  })
})
