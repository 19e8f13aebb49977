import { test } from '@japa/runner'
import { truncateTables } from '#tests/helpers/database'
import Membership from '#tenancy/models/membership'
import { WorkspaceFactory, workspaceWithMember } from '#database/factories/index'

/*
| The plugin path a newcomer takes, in a real browser: the Plugins page, turn a plugin on in
| one workspace, use it there, and find it absent from the other. (sample-notes is the
| test-only fixture plugin.)
*/
test.group('Browser: plugins', (group) => {
  group.each.teardown(() => truncateTables())

  test('turn a plugin on in one workspace: its page and menu appear there and nowhere else', async ({ browserContext, assert }) => {
    const { user, workspace } = await workspaceWithMember('owner')
    const other = await WorkspaceFactory.merge({ name: 'Other Shop', organizationId: workspace.organizationId }).create()
    await Membership.create({ workspaceId: other.id, userId: user.id, role: 'owner' })
    await browserContext.loginAs(user)
    const page = await browserContext.newPage()

    await page.goto(`/w/${workspace.slug}/plugins`)
    const card = page.locator('[data-plugin="sample-notes"]')
    await card.getByRole('button', { name: 'Turn on' }).click()
    await card.locator('[data-state]').filter({ hasText: 'On' }).waitFor()

    await page.getByRole('link', { name: 'Notes' }).click()
    await page.waitForURL(new RegExp(`/w/${workspace.slug}/sample-notes$`))
    await page.getByTestId('notes').waitFor()

    const response = await page.goto(`/w/${other.slug}/sample-notes`)
    assert.equal(response?.status(), 404)
    await page.goto(`/w/${other.slug}`)
    assert.equal(await page.getByRole('link', { name: 'Notes' }).count(), 0)
  })
})
