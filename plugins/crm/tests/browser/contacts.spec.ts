/// <reference lib="dom" />
import { test } from '@japa/runner'
import { truncateTables } from '#tests/helpers/database'
import Segment from '#crm/models/segment'
import ContactExport from '#crm/models/contact_export'
import CrmContact from '#crm/models/crm_contact'
import { contactIn, crmWorkspace, fieldIn, tagIn, tagged } from '#crm/tests/support'

/*
| Real browser, real server, real database: filter the contacts with the builder, save the filter
| as a segment, open a card, edit a field inline, add a tag and a note, and see the timeline.
*/
test.group('Browser: CRM contacts', (group) => {
  group.each.teardown(() => truncateTables())

  test('filter with the builder, save a segment, open a card and edit it', async ({ browserContext, assert }) => {
    const { user, workspace } = await crmWorkspace()
    await user.merge({ fullName: 'Olga Owner' }).save()
    await fieldIn(workspace, { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] })
    const vip = await tagIn(workspace, 'VIP', '#cc0000')
    await tagIn(workspace, 'Lead')
    const anna = await contactIn(workspace, { name: 'Anna Tagged' })
    await contactIn(workspace, { name: 'Boris Plain' })
    await tagged(anna, vip)

    await browserContext.loginAs(user)
    const page = await browserContext.newPage()
    await page.goto(`/w/${workspace.slug}/crm/contacts`)
    await page.getByText('Boris Plain').waitFor()
    await page.getByTestId('contacts-count').getByText('2 contacts').waitFor()

    // One condition: Tags has any of VIP.
    await page.getByTestId('filter-toggle').click()
    await page.getByRole('button', { name: '+ Add condition' }).click()
    const rule = page.getByTestId('filter-rule').first()
    await rule.locator('select').first().selectOption('tags')
    await rule.getByLabel('VIP').check()
    await page.getByTestId('filter-apply').click()
    await page.getByText('Boris Plain').waitFor({ state: 'detached' })
    await page.getByTestId('contacts-count').getByText('1 contact').waitFor()
    assert.include(decodeURIComponent(page.url()), `"field":"tags","op":"has_any","value":[${vip.id}]`, 'the filter is in the URL')

    // Reloading the URL gives the same list and the builder as it was.
    await page.reload()
    await page.getByText('Anna Tagged').waitFor()
    assert.isFalse(await page.getByText('Boris Plain').isVisible())
    assert.isTrue(await page.getByTestId('filter-rule').first().getByLabel('VIP').isChecked())

    await page.getByLabel('Segment name').fill('VIP customers')
    await page.getByRole('button', { name: 'Save as segment' }).click()
    await page.getByRole('heading', { name: 'Segment: VIP customers' }).waitFor()
    const segment = await Segment.query().where('workspace_id', workspace.id).firstOrFail()
    assert.deepEqual(segment.filter, { match: 'all', rules: [{ field: 'tags', op: 'has_any', value: [vip.id] }] })

    // The card: a field inline, a tag, a note; each lands on the timeline.
    await page.getByRole('link', { name: 'Anna Tagged' }).click()
    await page.waitForURL(new RegExp(`/crm/contacts/${anna.id}$`))
    const plan = page.locator('[data-field="plan"]')
    await plan.getByRole('button', { name: 'Edit' }).click()
    await plan.getByLabel('Plan').selectOption('pro')
    await plan.getByRole('button', { name: 'Save' }).click()
    await page.locator('[data-field="plan"] [data-value]').getByText('pro').waitFor()
    await page.getByTestId('timeline').getByText('Olga Owner changed Plan: — → pro').waitFor()

    await page.getByLabel('Add tag').selectOption({ label: 'Lead' })
    await page.getByRole('button', { name: 'Add tag' }).click()
    await page.getByTestId('contact-tags').locator('[data-tag="Lead"]').waitFor()
    await page.getByTestId('timeline').getByText('Olga Owner added the tag Lead').waitFor()

    await page.getByPlaceholder('A note for the team…').fill('Call back on Monday')
    await page.getByRole('button', { name: 'Add note' }).click()
    await page.getByTestId('timeline').getByText('Call back on Monday').waitFor()
    assert.equal(await page.getByPlaceholder('A note for the team…').inputValue(), '', 'the box is emptied')

    // A phone's width: no sideways scroll.
    await page.setViewportSize({ width: 360, height: 740 })
    assert.isTrue(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth))
  })

  test('at 360 px in the dark theme: select all matching, delete with confirmation, undo', async ({ browserContext, assert }) => {
    const { user, workspace } = await crmWorkspace()
    user.theme = 'dark'
    await user.save()
    for (let i = 0; i < 55; i++) await contactIn(workspace, { name: `Lead ${String(i).padStart(2, '0')}` })
    await contactIn(workspace, { name: 'Zed Other' })

    await browserContext.loginAs(user)
    const page = await browserContext.newPage()
    await page.setViewportSize({ width: 360, height: 740 })
    const filter = JSON.stringify({ match: 'all', rules: [{ field: 'name', op: 'starts_with', value: 'lead' }] })
    await page.goto(`/w/${workspace.slug}/crm/contacts?filter=${encodeURIComponent(filter)}`)
    await page.getByTestId('contacts-count').getByText('55 contacts').waitFor()
    assert.isTrue(await page.evaluate(() => document.documentElement.classList.contains('dark')))

    // The page shows 50; "select all" takes the 55 the filter matches.
    await page.getByTestId('bulk-select-page').check()
    await page.getByTestId('bulk-count').getByText('50 selected').waitFor()
    await page.getByTestId('bulk-select-all').click()
    await page.getByTestId('bulk-count').getByText('55 selected').waitFor()
    assert.isTrue(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll with the bar open')

    await page.getByTestId('bulk-action').selectOption('delete')
    await page.getByTestId('bulk-apply').click()
    await page.getByTestId('bulk-confirm').getByText('Delete contacts: 55').waitFor()
    await page.getByTestId('bulk-confirm-delete').click()
    await page.getByTestId('bulk-result').getByText('55 contacts deleted').waitFor()
    await page.getByTestId('contacts-count').getByText('0 contacts').waitFor()
    assert.equal(await CrmContact.query().where('workspace_id', workspace.id).whereNull('hidden_by').count('* as n').then(([row]) => Number(row.$extras.n)), 1)

    await page.getByTestId('bulk-undo').click()
    await page.getByTestId('bulk-result').getByText('55 contacts restored').waitFor()
    await page.getByTestId('contacts-count').getByText('55 contacts').waitFor()
  })

  test('sets a field and exports the checked rows; merges a suggested duplicate and sees it on the timeline', async ({ browserContext, assert }) => {
    const { user, workspace } = await crmWorkspace()
    await fieldIn(workspace, { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] })
    await user.merge({ fullName: 'Olga Owner' }).save()
    const anna = await contactIn(workspace, { name: 'Anna', email: 'anna@example.com' })
    const annaToo = await contactIn(workspace, { name: 'Anna Petrova', email: 'ANNA@example.com' })
    await contactIn(workspace, { name: 'Boris' })

    await browserContext.loginAs(user)
    const page = await browserContext.newPage()
    await page.goto(`/w/${workspace.slug}/crm/contacts`)
    await page.getByTestId('contacts-count').getByText('3 contacts').waitFor()
    await page.getByRole('checkbox', { name: 'Select Anna Petrova' }).check()
    await page.getByRole('checkbox', { name: 'Select Boris' }).check()
    await page.getByTestId('bulk-count').getByText('2 selected').waitFor()
    // "Set a field" offers the field's own input: a select's options.
    await page.getByTestId('bulk-action').selectOption('set_field')
    await page.getByTestId('bulk-field').selectOption({ label: 'Plan' })
    await page.getByTestId('bulk-value').selectOption('pro')
    await page.getByTestId('bulk-apply').click()
    await page.getByTestId('bulk-result').getByText('Field set on 2 contacts').waitFor()
    assert.deepEqual((await CrmContact.findOrFail(annaToo.id)).attributes, { plan: 'pro' })
    // The list reloads after a bulk action and its new first page clears the selection: wait for
    // that before checking rows again, or the reload would uncheck them.
    await page.getByTestId('bulk-bar').waitFor({ state: 'hidden' })
    await page.getByRole('checkbox', { name: 'Select Anna Petrova' }).check()
    await page.getByRole('checkbox', { name: 'Select Boris' }).check()
    await page.getByTestId('bulk-export').click()
    await page.waitForURL(/\/crm\/exports\/\d+$/)
    const contactExport = await ContactExport.query().where('workspace_id', workspace.id).firstOrFail()
    assert.sameMembers(contactExport.query.ids!, [annaToo.id, (await CrmContact.findByOrFail('name', 'Boris')).id])

    await page.goto(`/w/${workspace.slug}/crm/contacts`)
    await page.getByTestId('contacts-duplicates').click()
    await page.getByText('Same e-mail: anna@example.com').waitFor()
    await page.getByTestId('merge-link').click()
    await page.getByTestId('merge-form').waitFor()
    await page.locator('[data-merge-field="name"]').getByLabel('Anna Petrova').check()
    await page.getByTestId('merge-submit').click()
    await page.waitForURL(new RegExp(`/crm/contacts/${anna.id}$`))
    await page.getByTestId('timeline').getByText(`Olga Owner merged Anna Petrova (${annaToo.phone}) into this contact`).waitFor()
    assert.equal((await CrmContact.findOrFail(anna.id)).name, 'Anna Petrova')
    assert.isNull(await CrmContact.find(annaToo.id))
  })
})
