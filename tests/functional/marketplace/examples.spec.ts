import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hooks } from '#hooks/bus'
import { marketplace, redisKv } from '#marketplace/runtime'
import { marketplaceConfig } from '#config/marketplace'
import { installPackage } from '#marketplace/actions/install_package'
import { saveInstallationSettings } from '#marketplace/actions/save_installation_settings'
import MarketplaceInstallation from '#marketplace/models/installation'
import { pluginEnablement } from '#plugins/enablement'
import Message from '#messaging/models/message'
import Tag from '#crm/models/tag'
import { channelIn, conversationIn } from '#inbox/tests/support'
import { workspaceWithMember } from '#database/factories/index'
import type Workspace from '#tenancy/models/workspace'
import { publishedExample, trustAcme } from '#tests/helpers/marketplace'

/** A workspace with the CRM (and so messaging) on, trusting Acme, and a customer's conversation. */
async function crmWorkspace() {
  const { workspace, user } = await workspaceWithMember('admin')
  await pluginEnablement.enable(workspace, 'crm', user.id)
  await trustAcme(workspace)
  const channel = await channelIn(workspace)
  const { contact, conversation } = await conversationIn(channel)
  return { workspace, user, channel, contact, conversation }
}

async function install(workspace: Workspace, userId: number, packageId: string, settings?: Record<string, unknown>, secrets?: Record<string, string>) {
  const { installation } = await installPackage({ workspace, packageId, consent: true, actorId: userId })
  if (settings || secrets) await saveInstallationSettings(workspace, installation, { settings: settings && { ...installation.settings, ...settings }, secrets }, userId)
  return MarketplaceInstallation.findOrFail(installation.id)
}

const tagsOf = async (contactId: number) =>
  (await Tag.query().join('crm_contact_tags as ct', 'ct.tag_id', 'crm_tags.id').where('ct.contact_id', contactId).select('crm_tags.name')).map((tag) => tag.name)

const received = (at: { workspace: Workspace; conversation: { id: number }; contact: { id: number }; channel: { id: number } }, text: string, contactId = at.contact.id) =>
  hooks.emit('message.received', { workspaceId: at.workspace.id, conversationId: at.conversation.id, contactId, channelId: at.channel.id, messageId: 1, type: 'text', text })

test.group('Marketplace examples through the CRM and messaging bindings', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.teardown(() => marketplace.clear())

  test('auto-tag: a keyword tags the contact through the CRM, in the installing workspace only', async ({ assert }) => {
    const a = await crmWorkspace()
    const b = await crmWorkspace()
    const { id } = await publishedExample('auto-tag')
    await install(a.workspace, a.user.id, id, { keywords: 'price, quote', tag: 'Lead' })

    await received(a, 'Hello there')
    assert.deepEqual(await tagsOf(a.contact.id), [])
    await received(a, 'What is the PRICE of it?')
    assert.deepEqual(await tagsOf(a.contact.id), ['Lead'])
    assert.equal(marketplace.state(id, a.workspace.id)?.logs.at(-1), `tagged contact ${a.contact.id} "Lead" (keyword "price")`)

    // Not installed in B: B's customers are not touched.
    await received(b, 'price please')
    assert.deepEqual(await tagsOf(b.contact.id), [])
    // A's script handed B's contact id: the binding looks it up in A's workspace only, and faults.
    await received(a, 'price', b.contact.id)
    assert.deepEqual(await tagsOf(b.contact.id), [])
    assert.equal(marketplace.state(id, a.workspace.id)?.faults, 1)
  }).timeout(20_000)

  test('business-hours: outside the hours one away message goes out through the outbound pipeline, authored by the package', async ({ assert, cleanup }) => {
    const at = await crmWorkspace()
    const { id } = await publishedExample('business-hours')
    // Its kv lives in Redis, outside the test's transaction: ids repeat from one run to the next.
    const kv = redisKv(id, at.workspace.id)
    await kv.clear()
    cleanup(() => kv.clear())
    // Opening and closing at the same hour: always closed.
    await install(at.workspace, at.user.id, id, { opens: 0, closes: 0, message: 'We are closed, back at 9.' })

    await received(at, 'Hello?')
    await received(at, 'Anyone?')
    const sent = await Message.query().where('conversation_id', at.conversation.id).where('direction', 'outbound')
    assert.lengthOf(sent, 1, 'once per conversation and day')
    assert.deepInclude(sent[0].$attributes, { authorType: 'plugin', authorId: id, type: 'text', workspaceId: at.workspace.id })
    assert.deepEqual(sent[0].content, { body: 'We are closed, back at 9.' })
  }).timeout(20_000)

  test('lead-webhook: a new contact is posted to the declared URL with the secret filled in on the host', async ({ assert, cleanup }) => {
    const requests: Array<{ method?: string; url?: string; authorization?: string; body: string }> = []
    const server = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk) => (body += chunk))
      request.on('end', () => {
        requests.push({ method: request.method, url: request.url, authorization: request.headers.authorization, body })
        response.end('ok')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const saved = marketplaceConfig.allowInternalHosts
    marketplaceConfig.allowInternalHosts = ['127.0.0.1']
    cleanup(() => {
      marketplaceConfig.allowInternalHosts = saved
      server.close()
    })

    const at = await crmWorkspace()
    const { id } = await publishedExample('lead-webhook', { capabilities: { log: true, settings: true, records: { contacts: ['read'] }, http: { origins: [{ origin, methods: ['POST'] }] } } })
    await install(at.workspace, at.user.id, id, { url: `${origin}/leads` }, { WEBHOOK_TOKEN: 'tok_secret' })

    await hooks.emit('contact.created', { workspaceId: at.workspace.id, contactId: at.contact.id, phone: at.contact.phone, source: 'inbound' })
    assert.lengthOf(requests, 1)
    assert.include(requests[0], { method: 'POST', url: '/leads', authorization: 'Bearer tok_secret' })
    assert.deepEqual(JSON.parse(requests[0].body), {
      event: 'lead.created',
      source: 'inbound',
      contact: { id: at.contact.id, name: at.contact.name, phone: at.contact.phone },
    })

    // A URL on an origin the manifest does not declare is refused before any connection.
    const installation = await MarketplaceInstallation.findByOrFail('workspace_id', at.workspace.id)
    await saveInstallationSettings(at.workspace, installation, { settings: { url: 'https://evil.example/leads' } }, at.user.id)
    await hooks.emit('contact.created', { workspaceId: at.workspace.id, contactId: at.contact.id, phone: at.contact.phone, source: 'api' })
    assert.lengthOf(requests, 1)
    assert.match(marketplace.state(id, at.workspace.id)?.lastFault?.message ?? '', /evil\.example|not declared|origin/)
  }).timeout(20_000)
})
