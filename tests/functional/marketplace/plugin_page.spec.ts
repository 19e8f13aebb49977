import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import { marketplace } from '#marketplace/runtime'
import Organization from '#tenancy/models/organization'
import type Workspace from '#tenancy/models/workspace'
import type User from '#auth/models/user'
import { makeOrganizationStaff, workspaceWithMember } from '#database/factories/index'
import { SandboxFault } from '#sandbox/protocol'
import { clearMarketplaceMetrics, defineMarketplaceHook, emitTestHook, manifestOf, published, TEST_HOOK, trustAcme } from '#tests/helpers/marketplace'

const ID = manifestOf().id

/** Logs what it saw (the keyword setting included, markup and all); throws when asked to. */
const SCRIPT = `import { log, settings } from 'switchboard:api'
export default { async '${TEST_HOOK}'(event) { log('saw', event.workspaceId, await settings.get('keyword')); if (event.fail) throw new Error('asked to fail') } }`

/** About 200 ms of CPU (work, not a clock: a loaded machine gives a clock-bound loop less CPU). */
const BUSY = `export default { async '${TEST_HOOK}'() { let x = 0; for (let i = 0; i < 5e7; i++) x = (x + i) % 1000003; return 'done' } }`

async function installedBy(client: ApiClient, workspace: Workspace, user: User) {
  await client.post(`/w/${workspace.slug}/marketplace/${ID}/install`).form({ consent: 'true' }).loginAs(user).withCsrfToken().redirects(0)
  return `/w/${workspace.slug}/marketplace/${ID}`
}

test.group('Marketplace plugin page and organization limits', (group) => {
  group.setup(async () => {
    defineMarketplaceHook()
    await clearMarketplaceMetrics()
    return () => marketplace.clear()
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.teardown(() => marketplace.clear())
  group.each.timeout(30_000)

  test("the page loads its script's metrics by HTMX: calls, durations, faults with the last one, heap and escaped log lines; another workspace gets 404", async ({ client, assert }) => {
    const { workspace, user } = await workspaceWithMember('admin')
    await trustAcme(workspace)
    await published(manifestOf(), { script: SCRIPT })
    const base = await installedBy(client, workspace, user)
    await client.put(`${base}/settings`).form({ keyword: '<b>bold</b>' }).loginAs(user).withCsrfToken().redirects(0)

    const page = await client.get(base).loginAs(user)
    page.assertStatus(200)
    assert.include(page.text(), `hx-get="${base}/metrics"`)
    assert.include(page.text(), 'From every web and worker process')
    assert.notInclude(page.text(), 'data-testid="metrics"')

    await emitTestHook({ workspaceId: workspace.id })
    await emitTestHook({ workspaceId: workspace.id, fail: true })
    const panel = await client.get(`${base}/metrics`).loginAs(user).header('HX-Request', 'true')
    panel.assertStatus(200)
    const html = panel.text()
    assert.match(html, /data-metric="calls">1</)
    assert.match(html, /data-metric="faults">1</)
    assert.match(html, /data-metric="p50">\d+\.\d ms</)
    assert.match(html, /data-metric="p99">\d+\.\d ms</)
    assert.match(html, /data-metric="heap">\d+\.\d MB</)
    assert.match(html, /data-testid="metrics-last-fault"[\s\S]*error[\s\S]*<time datetime="[^"]+"[\s\S]*asked to fail/)
    const line = `saw ${workspace.id} &lt;b&gt;bold&lt;/b&gt;`
    assert.include(html, `${line}\n${line}</pre>`)
    assert.notInclude(html, '<b>bold</b>')

    const other = await workspaceWithMember('admin')
    ;(await client.get(`/w/${other.workspace.slug}/marketplace/${ID}/metrics`).loginAs(other.user)).assertStatus(404)
    ;(await client.get(`${base}/metrics`).loginAs(other.user)).assertStatus(404)
  })

  test('organization staff set per-call limits under the instance maximum; a saved limit reaches the runtime', async ({ client, assert }) => {
    const { workspace, user } = await workspaceWithMember('admin')
    await trustAcme(workspace)
    // The package asks for a second of CPU; the organization's default allows 50 ms.
    await published(manifestOf({ limits: { cpuMs: 1000, wallMs: 10_000 } }), { script: BUSY })
    await installedBy(client, workspace, user)
    const fault = await marketplace.call(ID, workspace.id, TEST_HOOK, { workspaceId: workspace.id }).catch((error: unknown) => error)
    assert.instanceOf(fault, SandboxFault)
    assert.equal((fault as SandboxFault).kind, 'cpu')

    const limits = `/w/${workspace.slug}/marketplace/limits`
    ;(await client.get(limits).loginAs(user)).assertStatus(403)
    await makeOrganizationStaff(workspace, user)
    ;(await client.get(limits).loginAs(user)).assertStatus(200)

    const refused = await client.put(limits).json({ cpuMs: 5000, wallMs: 10_000 }).loginAs(user).withCsrfToken().header('accept', 'application/json')
    refused.assertStatus(422)
    assert.deepInclude(refused.body().errors, { field: 'cpuMs', rule: 'max', message: 'CPU time per call may be at most 1000: the maximum of this instance', meta: { max: 1000 } })
    assert.isNull((await Organization.findOrFail(workspace.organizationId)).marketplaceLimits)

    const saved = await client.put(limits).form({ memoryMb: '', cpuMs: '1000', wallMs: '10000', subrequests: '', payloadKb: '2048' }).loginAs(user).withCsrfToken().redirects(0)
    saved.assertStatus(302)
    assert.deepEqual((await Organization.findOrFail(workspace.organizationId)).marketplaceLimits, { cpuMs: 1000, wallMs: 10_000, payloadBytes: 2048 * 1024 })
    assert.equal(await marketplace.call(ID, workspace.id, TEST_HOOK, { workspaceId: workspace.id }), 'done')
    assert.include((await client.get(limits).loginAs(user)).text(), 'value="2048"')
  })
})
