/// <reference lib="dom" />
import { test } from '@japa/runner'
import { truncateTables } from '#tests/helpers/database'
import { pluginEnablement } from '#plugins/enablement'
import { workspaceWithMember } from '#database/factories/index'
import Channel from '#messaging/models/channel'

/*
| Real browser, real server, real database: connecting a WhatsApp number as an admin would.
| The browser commits its data over real connections, so tables are truncated after each test.
*/
test.group('Browser: WhatsApp channels', (group) => {
  group.each.teardown(() => truncateTables())

  async function ownerWithProviders() {
    const { user, workspace } = await workspaceWithMember('owner')
    for (const provider of ['whatsapp-cloud', 'whatsapp-360dialog']) await pluginEnablement.enable(workspace, provider, user.id)
    return { user, workspace }
  }

  /** No horizontal scroll: the document is no wider than the viewport. */
  const fitsWidth = (page: import('playwright-core').Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

  test('connect a Cloud API channel through the guided form, then copy its webhook URL', async ({ browserContext, assert }) => {
    const { user, workspace } = await ownerWithProviders()
    await browserContext.loginAs(user)
    await browserContext.grantPermissions(['clipboard-read', 'clipboard-write'])
    const page = await browserContext.newPage()

    await page.goto(`/w/${workspace.slug}/messaging`)
    await page.getByTestId('connect-channel').click()
    await page.waitForURL(new RegExp(`/w/${workspace.slug}/messaging/channels/new$`))

    // Choosing a provider shows only its fields.
    const phoneNumberId = page.getByLabel('Phone number ID')
    const apiKey = page.getByLabel('API key')
    await phoneNumberId.waitFor({ state: 'visible' })
    assert.isFalse(await apiKey.isVisible())
    await page.locator('[data-provider="whatsapp-360dialog"]').click()
    await apiKey.waitFor({ state: 'visible' })
    assert.isFalse(await phoneNumberId.isVisible())
    await page.getByText('360dialog hub → your number → API key').waitFor()
    await page.locator('[data-provider="whatsapp-cloud"]').click()
    await phoneNumberId.waitFor({ state: 'visible' })

    // The server's 422 lands beside the fields, and what was typed stays.
    await page.getByLabel('Name', { exact: true }).fill('Support')
    await page.getByLabel('Phone number', { exact: true }).fill('+44 7700 900123')
    await page.getByTestId('connect-submit').click()
    await page.locator('[data-error-for="phoneNumberId"]').filter({ hasText: 'Phone number ID is required' }).waitFor()
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Support')
    assert.equal(await page.locator('[data-error-for="apiKey"]').textContent(), '', 'no error for another provider’s field')

    await phoneNumberId.fill('106540352242922')
    await page.getByLabel('WhatsApp Business Account ID').fill('102290129340398')
    await page.getByLabel('Access token').fill('EAAG-browser-token')
    await page.getByLabel('App secret').fill('browser-app-secret')
    await page.getByTestId('connect-submit').click()
    await page.waitForURL(new RegExp(`/w/${workspace.slug}/messaging/channels/\\d+$`))

    const channel = await Channel.query().where('workspace_id', workspace.id).firstOrFail()
    assert.equal(channel.provider, 'whatsapp-cloud')
    assert.equal(channel.credentials.accessToken, 'EAAG-browser-token')
    assert.notProperty(channel.credentials, 'apiKey', 'the hidden provider’s fields were not posted')

    const webhookUrl = page.getByTestId('webhook-url')
    assert.match(await webhookUrl.inputValue(), new RegExp(`/webhooks/whatsapp/${channel.id}$`))
    assert.equal(await page.getByTestId('verify-token').inputValue(), channel.credentials.verifyToken)
    // Over plain http (as here, and on many self-hosted installs) there is no clipboard API: the
    // button selects the value and copies it with execCommand; in a secure context it writes it.
    await page.evaluate(() => {
      document.addEventListener('copy', () => {
        const input = document.getElementById('webhook-url') as HTMLInputElement
        ;(window as any).copiedText = input.value.slice(input.selectionStart ?? 0, input.selectionEnd ?? 0)
      })
    })
    await page.locator('[data-copy="webhook-url"]').click()
    await page.locator('[data-copy="webhook-url"]').getByText('Copied').waitFor()
    const copied = await page.evaluate(() => (window.isSecureContext ? navigator.clipboard.readText() : (window as any).copiedText))
    assert.equal(copied, await webhookUrl.inputValue())
    assert.notInclude(await page.content(), 'EAAG-browser-token')
  })

  test('at 360 px in the dark theme: list, form and channel page fit, without horizontal scroll', async ({ browserContext, assert }) => {
    const { user, workspace } = await ownerWithProviders()
    user.theme = 'dark'
    await user.save()
    const channel = await Channel.create({
      workspaceId: workspace.id,
      provider: 'whatsapp-360dialog',
      name: 'A channel with a rather long name for a small phone screen',
      displayPhone: '+4915112345678',
      providerIds: {},
      credentials: { apiKey: 'k', webhookHeaderName: 'X-Switchboard-Token', webhookHeaderValue: 'v' },
      apiBaseUrl: 'https://waba-v2.360dialog.io/a/very/long/path/that/should/not/push/the/page/wider/than/the/screen',
      throughputPerSecond: 80,
      lastError: 'A very long provider error message without any break: ' + 'x'.repeat(120),
    })
    await browserContext.loginAs(user)
    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 360, height: 740 })

    for (const path of ['', '/channels/new', `/channels/${channel.id}`]) {
      await page.goto(`/w/${workspace.slug}/messaging${path}`)
      assert.isTrue(await page.evaluate(() => document.documentElement.classList.contains('dark')), `dark theme on ${path || '/'}`)
      assert.isTrue(await fitsWidth(page), `no horizontal scroll on ${path || '/'}`)
    }

    // Dark surfaces, not white cards on a dark page.
    const background = await page.getByTestId('setup').evaluate((node) => getComputedStyle(node).backgroundColor)
    assert.equal(background, 'rgb(20, 24, 29)')
    await page.getByTestId('webhook-url').waitFor({ state: 'visible' })
    await page.locator('[data-copy="webhook-url"]').waitFor({ state: 'visible' })

    // The delete confirmation fits too, and says what goes with the channel.
    await page.getByTestId('delete-open').click()
    await page.getByRole('dialog').getByText('This deletes the channel with its 0 conversations and 0 messages').waitFor()
    assert.isTrue(await fitsWidth(page))
  })
})
