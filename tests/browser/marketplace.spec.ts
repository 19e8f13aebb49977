import { test } from '@japa/runner'
import { truncateTables } from '#tests/helpers/database'
import { makeOrganizationStaff, workspaceWithMember } from '#database/factories/index'
import { marketplace, PLUGIN_PREFIX } from '#marketplace/runtime'
import { TEST_HOOK, defineMarketplaceHook, emitTestHook, manifestOf, published, trustAcme } from '#tests/helpers/marketplace'

/*
| The path a workspace admin takes, in a real browser at phone width: find a package, read what
| it may do, agree, configure it, and see it work.
*/
test.group('Browser: marketplace', (group) => {
  group.setup(() => {
    defineMarketplaceHook()
    return () => marketplace.clear()
  })
  group.each.teardown(async () => {
    marketplace.clear()
    await truncateTables()
  })

  test('find a package, consent, install, set its keyword, and read its log', async ({ browserContext, assert }) => {
    const { user, workspace } = await workspaceWithMember('admin')
    await trustAcme(workspace)
    const script = `import { log, settings } from 'switchboard:api'
export default { async '${TEST_HOOK}'(event) { log('saw', event.workspaceId, await settings.get('keyword')) } }`
    await published(manifestOf({ capabilities: { log: true, settings: true, http: { origins: [{ origin: 'https://hooks.example.com', methods: ['POST'] }] } } }), { script })
    await browserContext.loginAs(user)
    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 360, height: 740 })

    await page.goto(`/w/${workspace.slug}/marketplace`)
    await page.getByPlaceholder('Search packages').fill('logger')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.locator('[data-package="com.acme.keyword-logger"]').getByRole('link', { name: 'Keyword logger' }).click()
    await page.getByRole('link', { name: 'Install' }).click()

    const consent = page.getByTestId('capabilities')
    await consent.getByText('Call https://hooks.example.com with POST').waitFor()
    await page.getByRole('button', { name: 'Agree and install' }).click()
    await page.locator('[data-state]').filter({ hasText: 'Active' }).waitFor()
    assert.isTrue(marketplace.isActive(PLUGIN_PREFIX + manifestOf().id, workspace.id))

    await page.getByLabel('Keyword').fill('refund')
    await page.getByRole('button', { name: 'Save' }).first().click()
    await page.getByLabel('Keyword').and(page.locator('[value="refund"]')).waitFor()

    await emitTestHook({ workspaceId: workspace.id })
    await page.reload()
    // The log and the metrics come into the page by HTMX after it loads.
    await page.getByTestId('metrics-log').getByText(`saw ${workspace.id} refund`).waitFor()
    assert.equal(await page.locator('[data-metric="calls"]').textContent(), '1')
    // Nothing spills sideways at phone width.
    assert.isAtMost(await page.evaluate(() => document.documentElement.scrollWidth), 360)

    // Organization staff set the limits of its plugins; a figure over the instance maximum is refused on the field.
    await makeOrganizationStaff(workspace, user)
    await page.goto(`/w/${workspace.slug}/marketplace/limits`)
    await page.getByLabel('CPU time per call (ms)').fill('5000')
    await page.evaluate(() => document.querySelector('[data-testid=limits]')!.setAttribute('novalidate', ''))
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByText('CPU time per call may be at most 1000: the maximum of this instance').waitFor()
    assert.isAtMost(await page.evaluate(() => document.documentElement.scrollWidth), 360)
  }).timeout(60_000)
})
