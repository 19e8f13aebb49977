/// <reference lib="dom" />
import { test } from '@japa/runner'
import type { TestContext } from '@japa/runner/core'
import { truncateTables } from '#tests/helpers/database'
import User from '#auth/models/user'
import Membership from '#tenancy/models/membership'
import { jobs } from '#jobs/registry'
import { deliverNotification } from '#jobs/core_jobs'
import { PASSWORD, WorkspaceFactory, workspaceWithMember } from '#database/factories/index'

/*
| Real browser, real server, real database: what a new user does in their first minutes.
| These tests commit their data (the browser talks to the server over real connections),
| so the tables are truncated after each.
*/
test.group('Browser: the admin shell', (group) => {
  group.each.teardown(() => truncateTables())

  test('sign up lands on the new workspace dashboard', async ({ visit, assert }) => {
    const page = await visit('/signup')
    await page.getByLabel('Full name').fill('Browser Person')
    await page.getByLabel('E-mail').fill('browser.person@example.com')
    await page.getByLabel('Password').fill('a long password')
    await page.getByLabel('Company or agency name').fill('Browser Agency')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(/\/w\/browser-agency$/)
    await page.getByText('Welcome, Browser Person').waitFor()
    assert.exists(await User.findBy('email', 'browser.person@example.com'))
  })

  test('log in, switch theme (saved), switch workspace', async ({ visit, assert }) => {
    const { user, workspace } = await workspaceWithMember('owner')
    const second = await WorkspaceFactory.merge({ name: 'Second Shop', organizationId: workspace.organizationId }).create()
    await Membership.create({ workspaceId: second.id, userId: user.id, role: 'agent' })

    const page = await visit('/login')
    await page.getByLabel('E-mail').fill(user.email)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(new RegExp(`/w/(${workspace.slug}|${second.slug})$`))

    // Theme: dark is applied at once and remembered across reloads.
    await page.getByTestId('user-menu').click()
    await page.locator('[data-theme-option="dark"]').click()
    await page.waitForFunction(() => document.documentElement.classList.contains('dark'))
    await page.waitForTimeout(300)
    await user.refresh()
    assert.equal(user.theme, 'dark')
    await page.reload()
    assert.isTrue(await page.evaluate(() => document.documentElement.classList.contains('dark')))

    // Workspace switcher.
    await page.getByTestId('workspace-switcher').click()
    await page.getByRole('link', { name: 'Second Shop' }).click()
    await page.waitForURL(new RegExp(`/w/${second.slug}$`))
    assert.equal(await page.getByTestId('role').textContent(), 'Agent')
  })

  test('a notification from the worker appears without reload', async ({ browserContext, assert }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    await browserContext.loginAs(user)
    const page = await browserContext.newPage()
    // The bell subscribes to the user's channel once the page has loaded.
    const subscribed = page.waitForResponse((response) => response.url().includes('/__transmit/subscribe'))
    await page.goto(`/w/${workspace.slug}`)
    assert.equal((await subscribed).status(), 204)

    const workers = jobs.startWorkers(1)
    try {
      await jobs.dispatch(deliverNotification, {
        userId: user.id,
        workspaceId: workspace.id,
        title: 'New conversation from +7 900 000-00-00',
      })
      await page.getByTestId('unread-count').filter({ hasText: '1' }).waitFor({ timeout: 10_000 })
      await page.getByText('New conversation from +7 900 000-00-00').first().waitFor()
      assert.match(await page.title(), /^\(1\) /)
    } finally {
      await Promise.all(workers.map((worker) => worker.close()))
    }
  })

  test('the shell works at 360 px: the menu opens as a drawer', async ({ visit, browserContext }) => {
    const { user, workspace } = await workspaceWithMember('owner')
    await browserContext.loginAs(user)
    const page = await visit(`/w/${workspace.slug}`)
    await page.setViewportSize({ width: 360, height: 740 })
    const members = page.locator('[data-nav="members"]')
    await page.getByRole('button', { name: 'Open menu' }).click()
    await members.waitFor({ state: 'visible' })
    await members.click()
    await page.waitForURL(new RegExp(`/w/${workspace.slug}/members$`))
  })

  test('"?" opens the keyboard-shortcut sheet', async ({ visit, browserContext }) => {
    const { user, workspace } = await workspaceWithMember('agent')
    await browserContext.loginAs(user)
    const page = await visit(`/w/${workspace.slug}`)
    await page.keyboard.press('?')
    await page.getByTestId('shortcuts').waitFor({ state: 'visible' })
    await page.keyboard.press('Escape')
    await page.getByTestId('shortcuts').waitFor({ state: 'hidden' })
  })

  /** An owner renames their workspace on its settings page. */
  async function saveWorkspaceName({ visit, browserContext }: TestContext, name: string) {
    const { user, workspace } = await workspaceWithMember('owner')
    await browserContext.loginAs(user)
    const page = await visit(`/w/${workspace.slug}/settings`)
    await page.getByLabel('Name').fill(name)
    await page.getByRole('button', { name: 'Save' }).click()
    return { page, workspace }
  }

  test('a form with a bad value shows the error beside the field, without losing the page', async (context) => {
    const { assert } = context
    const { page } = await saveWorkspaceName(context, 'x')
    const error = page.locator('[data-error-for="name"]')
    await error.filter({ hasText: /at least 2/ }).waitFor()
    assert.equal(await page.getByLabel('Name').getAttribute('aria-invalid'), 'true')
    assert.equal(await page.getByLabel('Name').inputValue(), 'x', 'what the user typed is kept')
  })

  test('a saved form says so in a toast on the page it leads to', async (context) => {
    const { assert } = context
    const { page, workspace } = await saveWorkspaceName(context, 'Renamed Shop')
    const toast = page.locator('[data-toast]')
    await toast.filter({ hasText: 'Saved.' }).waitFor()
    await workspace.refresh()
    assert.equal(workspace.name, 'Renamed Shop')
  })
})
