/// <reference lib="dom" />
import { fileURLToPath } from 'node:url'
import { test } from '@japa/runner'
import { jobs } from '#jobs/registry'
import { truncateTables } from '#tests/helpers/database'
import { crmWorkspace, tagIn } from '#crm/tests/support'

/*
| Real browser, server, database and worker: upload a messy CSV, fix the mapping's country from
| the preview's problems, start, watch the progress arrive over SSE, find the contacts, filter
| them, save the filter as a segment, bulk-tag the segment, and see it on a card's timeline.
*/
test.group('Browser: CRM import', (group) => {
  group.each.teardown(() => truncateTables())

  test('upload, map, watch the progress, filter, save a segment, bulk-tag it, see it on the card', async ({ browserContext, assert }) => {
    const { user, workspace } = await crmWorkspace()
    await user.merge({ fullName: 'Olga Owner' }).save()
    await tagIn(workspace, 'Callback')
    await browserContext.loginAs(user)
    const page = await browserContext.newPage()
    await page.goto(`/w/${workspace.slug}/crm/contacts`)
    await page.getByTestId('contacts-import').click()
    await page.getByLabel('File').setInputFiles(fileURLToPath(new URL('../fixtures/utf8_bom.csv', import.meta.url)))
    await page.getByRole('button', { name: 'Upload and map columns' }).click()

    // The mapping is guessed from the Russian headers; a national number needs the default country.
    await page.getByRole('heading', { name: 'Map the columns of utf8_bom.csv' }).waitFor()
    assert.equal(await page.getByLabel('Телефон').inputValue(), 'phone')
    const preview = page.getByTestId('import-preview')
    await preview.getByText('is not a valid phone number').waitFor()
    await page.getByLabel('Default country').selectOption('RU')
    await preview.getByText('is not a valid phone number').waitFor({ state: 'detached' })

    // Start; the worker begins only once the page listens, so the progress really arrives live.
    const subscribed = page.waitForResponse((response) => response.url().includes('/__transmit/subscribe'))
    await page.getByTestId('import-start').click()
    await page.getByTestId('transfer-progress').waitFor()
    assert.equal((await subscribed).status(), 204)
    const workers = jobs.startWorkers(1)
    try {
      await page.getByTestId('transfer-status').getByText('Finished').waitFor({ timeout: 15_000 })
      await page.getByTestId('import-result').getByText('3 created').waitFor()
      assert.equal(await page.getByRole('progressbar').getAttribute('aria-valuenow'), '100')
    } finally {
      await Promise.all(workers.map((worker) => worker.close()))
    }

    await page.getByTestId('import-result').getByRole('link', { name: 'All contacts' }).click()
    await page.getByText('Борис Иванов').waitFor()
    await page.getByText('Анна Петрова').waitFor()
    await page.getByTestId('contacts-count').getByText('3 contacts').waitFor()

    // Filter: e-mail contains "example.ru" (Анна and Вера), saved as a segment.
    await page.getByTestId('filter-toggle').click()
    await page.getByRole('button', { name: '+ Add condition' }).click()
    const rule = page.getByTestId('filter-rule').first()
    await rule.locator('select').first().selectOption('email')
    await rule.locator('select').nth(1).selectOption('contains')
    await rule.getByLabel('Value').fill('example.ru')
    await page.getByTestId('filter-apply').click()
    await page.getByText('Борис Иванов').waitFor({ state: 'detached' })
    await page.getByTestId('contacts-count').getByText('2 contacts').waitFor()
    await page.getByLabel('Segment name').fill('With e-mail')
    await page.getByRole('button', { name: 'Save as segment' }).click()
    await page.getByRole('heading', { name: 'Segment: With e-mail' }).waitFor()

    // Bulk: check the page, add the tag Callback to the segment's two contacts.
    await page.getByTestId('bulk-select-page').check()
    await page.getByTestId('bulk-count').getByText('2 selected').waitFor()
    await page.getByTestId('bulk-action').selectOption('tag')
    await page.getByTestId('bulk-tag').selectOption({ label: 'Callback' })
    await page.getByTestId('bulk-apply').click()
    await page.getByTestId('bulk-result').getByText('Tag added to 2 contacts').waitFor()
    await page.locator('[data-cell="tags"] [data-tag="Callback"]').nth(1).waitFor()
    assert.isFalse(await page.getByTestId('bulk-bar').isVisible(), 'the list reloaded, nothing is checked')

    // The card's timeline says who tagged it.
    await page.getByRole('link', { name: 'Анна Петрова' }).click()
    await page.getByTestId('timeline').getByText('Olga Owner added the tag Callback').waitFor()
  })
})
