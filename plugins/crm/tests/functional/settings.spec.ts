import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Field from '#crm/models/field'
import Tag from '#crm/models/tag'
import { contactIn, crmWorkspace, fieldIn, tagIn } from '#crm/tests/support'

/** Settings → Contact fields and tags: owner / admin define them, once per workspace. */
test.group('CRM: tags and custom field definitions', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an admin adds a tag; its name is unique in the workspace whatever its case', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace('admin')
    const created = await client.post(`${base}/settings/tags`).form({ name: 'VIP', color: '#FF0000' }).loginAs(user).withCsrfToken().redirects(0)
    created.assertStatus(302)
    const tag = await Tag.query().where('workspace_id', workspace.id).firstOrFail()
    assert.equal(tag.name, 'VIP')
    assert.equal(tag.color, '#ff0000')

    const twin = await client.post(`${base}/settings/tags`).form({ name: 'vip', color: '#00ff00' }).header('accept', 'application/json').loginAs(user).withCsrfToken()
    twin.assertStatus(422)
    assert.equal(twin.body().errors[0].field, 'name')
    const badColour = await client.post(`${base}/settings/tags`).form({ name: 'Lead', color: 'red' }).header('accept', 'application/json').loginAs(user).withCsrfToken()
    badColour.assertStatus(422)
    assert.equal(badColour.body().errors[0].field, 'color')

    const page = await client.get(`${base}/settings/tags`).loginAs(user)
    page.assertStatus(200)
    assert.include(page.text(), 'value="VIP"')
  })

  test('the same tag name may exist in another workspace; renaming and deleting a tag', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const other = await crmWorkspace()
    await tagIn(other.workspace, 'VIP')
    const created = await client.post(`${base}/settings/tags`).form({ name: 'VIP', color: '#112233' }).loginAs(user).withCsrfToken().redirects(0)
    created.assertStatus(302)
    const tag = await Tag.query().where('workspace_id', workspace.id).firstOrFail()

    await client.put(`${base}/settings/tags/${tag.id}`).form({ name: 'Gold', color: '#112233' }).loginAs(user).withCsrfToken().redirects(0)
    await tag.refresh()
    assert.equal(tag.name, 'Gold')

    const foreign = await Tag.query().where('workspace_id', other.workspace.id).firstOrFail()
    const outsider = await client.delete(`${base}/settings/tags/${foreign.id}`).loginAs(user).withCsrfToken().redirects(0)
    outsider.assertStatus(404)
    await client.delete(`${base}/settings/tags/${tag.id}`).loginAs(user).withCsrfToken().redirects(0)
    assert.isNull(await Tag.find(tag.id))
    assert.isNotNull(await Tag.find(foreign.id))
  })

  test('agents and viewers may not manage fields or tags (403), but see contacts', async ({ client }) => {
    const { user, base } = await crmWorkspace('agent')
    ;(await client.get(`${base}/settings/fields`).loginAs(user)).assertStatus(403)
    ;(await client.post(`${base}/settings/tags`).form({ name: 'X', color: '#000000' }).loginAs(user).withCsrfToken()).assertStatus(403)
    ;(await client.get(`${base}/contacts`).loginAs(user)).assertStatus(200)
  })

  test('custom fields: key format and uniqueness, type, options required for selects', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const json = (form: Record<string, unknown>) => client.post(`${base}/settings/fields`).form(form).header('accept', 'application/json').loginAs(user).withCsrfToken()

    const ok = await client.post(`${base}/settings/fields`).form({ label: 'Plan', key: 'plan', type: 'select', options: 'free\r\npro\n\nenterprise', required: 'true' }).loginAs(user).withCsrfToken().redirects(0)
    ok.assertStatus(302)
    const plan = await Field.query().where('workspace_id', workspace.id).where('key', 'plan').firstOrFail()
    assert.deepEqual(plan.options, ['free', 'pro', 'enterprise'])
    assert.isTrue(plan.required)

    const fields = async (form: Record<string, unknown>) => (await json(form)).body().errors.map((error: { field: string }) => error.field)
    assert.include(await fields({ label: 'Plan again', key: 'plan', type: 'text' }), 'key')
    assert.include(await fields({ label: 'Bad key', key: '1 bad key', type: 'text' }), 'key')
    assert.include(await fields({ label: 'Kind', key: 'kind', type: 'colour' }), 'type')
    assert.include(await fields({ label: 'Size', key: 'size', type: 'select' }), 'options')

    const text = await client.post(`${base}/settings/fields`).form({ label: 'Company', key: 'company', type: 'text', options: 'ignored' }).loginAs(user).withCsrfToken().redirects(0)
    text.assertStatus(302)
    const company = await Field.query().where('workspace_id', workspace.id).where('key', 'company').firstOrFail()
    assert.deepEqual(company.options, [], 'options only for selects')
    assert.isAbove(company.position, plan.position)

    const page = await client.get(`${base}/settings/fields`).loginAs(user)
    assert.include(page.text(), 'data-field-row="plan"')
  })

  test('editing a field changes label, options, required but not key or type; deleting removes its values', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const field = await fieldIn(workspace, { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] })
    const keep = await fieldIn(workspace, { key: 'city', label: 'City', type: 'text' })
    const contact = await contactIn(workspace, { attributes: { plan: 'pro', city: 'Riga' } })

    await client.put(`${base}/settings/fields/${field.id}`).form({ label: 'Tariff', options: 'free\npro\nteam', key: 'other', type: 'text', required: 'true' }).loginAs(user).withCsrfToken().redirects(0)
    await field.refresh()
    assert.equal(field.label, 'Tariff')
    assert.equal(field.key, 'plan')
    assert.equal(field.type, 'select')
    assert.deepEqual(field.options, ['free', 'pro', 'team'])
    assert.isTrue(field.required)

    await client.delete(`${base}/settings/fields/${field.id}`).loginAs(user).withCsrfToken().redirects(0)
    await contact.refresh()
    assert.deepEqual(contact.attributes, { city: 'Riga' })
    assert.isNotNull(await Field.find(keep.id))
  })
})
