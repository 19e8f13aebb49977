import { test } from '@japa/runner'
import { truncateTables } from '#tests/helpers/database'
import { marketplace } from '#marketplace/runtime'
import { installPackage } from '#marketplace/actions/install_package'
import { pluginEnablement } from '#plugins/enablement'
import Channel from '#messaging/models/channel'
import Message from '#messaging/models/message'
import { workspaceWithMember } from '#database/factories/index'
import { jobsIdle, metaSignature, startWorker, until } from '#messaging/tests/support'
import { clearMarketplaceMetrics, manifestOf, published, trustAcme } from '#tests/helpers/marketplace'

const ID = 'com.acme.worker-echo'
const SECRET = 'metrics-secret'
const SCRIPT = `import { log } from 'switchboard:api'
export default { async 'message.received'(event) { log('worker saw', event.text) } }`

/** One inbound text from Meta. */
const webhook = (text: string) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', contacts: [{ profile: { name: 'Kunde' }, wa_id: '4930111222' }], messages: [{ from: '4930111222', id: 'wamid.metrics.1', timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }] } }] }],
})

/**
 * The plugin page's numbers come from every process: here the hook runs in a real worker process
 * (`node ace queue:work`, its own runner), never in this one, and the page served by this process
 * shows its calls, log lines and heap. Workers use the database outside transactions: truncated.
 */
test.group('Marketplace metrics gathered across processes', (group) => {
  group.setup(async () => {
    await truncateTables()
    await clearMarketplaceMetrics()
  })
  group.each.teardown(async () => {
    marketplace.clear()
    await until(() => jobsIdle(), 'the queues to be idle', 30_000)
    await truncateTables()
  })

  test("a worker's sandboxed calls show on the plugin page this web process serves", async ({ client, assert }) => {
    const { workspace, user } = await workspaceWithMember('owner')
    await pluginEnablement.enable(workspace, 'whatsapp-cloud', user.id)
    const channel = await Channel.create({ workspaceId: workspace.id, provider: 'whatsapp-cloud', name: 'Support', displayPhone: '+15550001111', providerIds: {}, credentials: { appSecret: SECRET }, throughputPerSecond: 80 })
    await trustAcme(workspace)
    await published(manifestOf({ id: ID, hooks: ['message.received'], capabilities: { log: true }, settings: [], secrets: [] }), { script: SCRIPT })
    await installPackage({ workspace, packageId: ID, consent: true, actorId: user.id })

    const worker = startWorker()
    try {
      const body = JSON.stringify(webhook('Hallo aus dem Worker'))
      const response = await client.post(`/webhooks/whatsapp/${channel.id}`).header('content-type', 'application/json').header('x-hub-signature-256', metaSignature(SECRET, body)).form(body)
      response.assertStatus(200)
      await until(async () => (await Message.query().where('channel_id', channel.id).first()) !== null, 'the worker to store the message', 60_000)

      const panel = async () => (await client.get(`/w/${workspace.slug}/marketplace/${ID}/metrics`).loginAs(user).header('HX-Request', 'true')).text()
      // The worker flushes within about 2 s of its call (or of a fault, which the page would name);
      // its first call also starts its sandbox runner, slow on a loaded machine.
      await until(async () => /data-metric="(calls|faults)">1</.test(await panel()), "the worker's call on the page", 60_000)
      const html = await panel()
      assert.notInclude(html, 'data-testid="metrics-last-fault"', html)
      assert.match(html, /data-metric="calls">1</)
      assert.include(html, 'worker saw Hallo aus dem Worker')
      assert.match(html, /data-metric="p50">\d+\.\d ms</)
      // Only the worker's runner has a warm isolate for it: its heap is the one shown.
      assert.notMatch(html, /data-metric="heap">0\.0 MB</)
      assert.deepEqual(marketplace.state(ID, workspace.id)?.logs, [], 'this process ran nothing')
    } finally {
      worker.kill('SIGTERM')
      await new Promise((resolve) => worker.once('exit', resolve))
    }
  }).timeout(120_000)
})
