/// <reference lib="dom" />
import { fileURLToPath } from 'node:url'
import { test } from '@japa/runner'
import { jobs } from '#jobs/registry'
import { truncateTables } from '#tests/helpers/database'
import { crmWorkspace } from '#crm/tests/support'

/*
| Real browser, server, database and worker: upload a messy CSV, fix the mapping's country from
| the preview's problems, start, watch the progress arrive over SSE, and find the contacts.
*/
test.group('Browser: CRM import', (group) => {
  group.each.teardown(() => truncateTables())

  test('upload, map, watch the progress to the end, see the contacts in the list', async ({ browserContext, assert }) => {
    const { user, workspace } = await crmWorkspace()
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
  })
})
