/// <reference lib="dom" />
import { test } from '@japa/runner'
import { truncateTables } from '#tests/helpers/database'
import { pluginEnablement } from '#plugins/enablement'
import { workspaceWithMember } from '#database/factories/index'
import Flow from '#bots/models/flow'

const flowJson = JSON.stringify({
  schemaVersion: 1,
  name: 'Welcome with a rather long name for a small phone screen',
  trigger: { type: 'keyword', keywords: ['hi'] },
  start: 'hi',
  nodes: [
    { id: 'hi', type: 'message', position: { x: 0, y: 0 }, data: { text: 'Hello {{contact.name}}, a long greeting that should wrap rather than push the page wider than the phone', next: 'bye' } },
    { id: 'bye', type: 'end', position: { x: 260, y: 0 }, data: {} },
  ],
})

/*
| Real browser, real server, real database: a user brings a flow in as JSON, publishes it and
| switches it on, at a phone's width in the dark theme. Tables are truncated after each test.
*/
test.group('Browser: bot flows', (group) => {
  group.each.teardown(() => truncateTables())

  const fitsWidth = (page: import('playwright-core').Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

  test('at 360 px in the dark theme: a broken import lists its problems, a good one is published and switched on', async ({ browserContext, assert }) => {
    const { user, workspace } = await workspaceWithMember('owner')
    await pluginEnablement.enable(workspace, 'bots', user.id)
    user.theme = 'dark'
    await user.save()
    await browserContext.loginAs(user)
    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 360, height: 740 })

    await page.goto(`/w/${workspace.slug}/bots`)
    assert.isTrue(await page.evaluate(() => document.documentElement.classList.contains('dark')))
    await page.getByLabel('Flow JSON').fill(flowJson.replace('"next":"bye"', '"next":"gone"'))
    await page.getByRole('button', { name: 'Import' }).click()
    await page.getByTestId('import-errors').getByText('node hi: next leads to "gone", which is not a node of this flow').waitFor()
    assert.isTrue(await fitsWidth(page), 'the refused import fits')

    await page.getByLabel('Flow JSON').fill(flowJson)
    await page.getByRole('button', { name: 'Import' }).click()
    await page.waitForURL(/\/bots\/flows\/\d+$/)
    await page.getByText('Flow imported as a draft').waitFor()
    await page.getByTestId('publish').click()
    await page.locator('[data-version="1"][data-state="published"]').waitFor()
    await page.getByTestId('toggle').click()
    await page.getByText("The flow's trigger is on.").waitFor()
    assert.isTrue(await fitsWidth(page), 'the flow page fits')
    assert.isTrue((await Flow.query().where('workspace_id', workspace.id).firstOrFail()).enabled)

    await page.getByTestId('view-version').click()
    await page.locator('[data-node="hi"]').waitFor()
    assert.isTrue(await fitsWidth(page), 'the version page fits')

    await page.goto(`/w/${workspace.slug}/bots`)
    await page.locator('[data-flow] [data-state]').filter({ hasText: 'On' }).waitFor()
    assert.isTrue(await fitsWidth(page), 'the list fits')
  })
})
