import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { issueApiToken } from '#auth/api_tokens'
import { addMember } from '#database/factories/index'
import ContactEvent from '#crm/models/contact_event'
import ContactImport from '#crm/models/contact_import'
import CrmContact from '#crm/models/crm_contact'
import Segment from '#crm/models/segment'
import { contactIn, crmWorkspace, fieldIn, tagIn, tagged } from '#crm/tests/support'

const API = '/api/v1/crm'
const ALL = ['crm.view', 'crm.edit', 'crm.manage', 'crm.delete', 'crm.import']

async function apiWorkspace(abilities = ALL) {
  const crm = await crmWorkspace()
  const { secret } = await issueApiToken(crm.user, crm.workspace, 'tests', abilities)
  return { ...crm, secret }
}

test.group('CRM: API', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('searches with the list’s filter language (query string or body) and pages the result', async ({ client, assert }) => {
    const { workspace, secret } = await apiWorkspace()
    await fieldIn(workspace, { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] })
    const vip = await tagIn(workspace, 'VIP')
    const matches = []
    for (let i = 0; i < 3; i++) matches.push(await contactIn(workspace, { name: `Pro ${i}`, attributes: { plan: 'pro' } }))
    await tagged(matches[0], vip)
    await contactIn(workspace, { name: 'Free', attributes: { plan: 'free' } })
    const filter = { match: 'all', rules: [{ field: 'cf.plan', op: 'is', value: 'pro' }] }

    const byBody = await client.post(`${API}/contacts/search`).bearerToken(secret).json({ filter, perPage: 2 })
    byBody.assertStatus(200)
    assert.deepEqual(byBody.body().meta, { page: 1, perPage: 2, total: 3, lastPage: 2 })
    assert.deepEqual(byBody.body().data.map((contact: any) => contact.name), ['Pro 2', 'Pro 1'])
    const second = await client.get(`${API}/contacts`).qs({ filter: JSON.stringify(filter), perPage: 2, page: 2 }).bearerToken(secret)
    assert.deepEqual(second.body().data.map((contact: any) => contact.name), ['Pro 0'])
    assert.deepInclude(second.body().data[0], { fields: { plan: 'pro' }, tags: [{ id: vip.id, name: 'VIP' }] })
    const searched = await client.get(`${API}/contacts`).qs({ q: 'free' }).bearerToken(secret)
    assert.deepEqual(searched.body().data.map((contact: any) => contact.name), ['Free'])

    const badRule = await client.post(`${API}/contacts/search`).bearerToken(secret).json({ filter: { match: 'all', rules: [{ field: 'cf.nope', op: 'is', value: 1 }] } })
    badRule.assertStatus(422)
    assert.equal(badRule.body().errors[0].field, 'filter.rules.0.field')
    ;(await client.post(`${API}/contacts/search`).bearerToken(secret).json({ filter: { match: 'some' } })).assertStatus(422)
    ;(await client.get(`${API}/contacts`).qs({ filter: '{oops' }).bearerToken(secret)).assertStatus(422)
  })

  test('creates, reads, changes and deletes a contact with custom fields, owner and tags, validated as the card does', async ({ client, assert }) => {
    const { workspace, user, secret } = await apiWorkspace()
    await fieldIn(workspace, { key: 'seats', label: 'Seats', type: 'number', options: [] })
    const vip = await tagIn(workspace, 'VIP')
    const viewer = await addMember(workspace, 'viewer')

    ;(await client.post(`${API}/contacts`).bearerToken(secret).json({ phone: '+447700900123', fields: { seats: 'many' } })).assertStatus(422)
    ;(await client.post(`${API}/contacts`).bearerToken(secret).json({ phone: '+447700900123', ownerId: viewer.id })).assertStatus(422)
    ;(await client.post(`${API}/contacts`).bearerToken(secret).json({ phone: '+447700900123', tagIds: [vip.id + 1000] })).assertStatus(422)
    assert.isNull(await CrmContact.query().where('workspace_id', workspace.id).first(), 'nothing written on a 422')

    const created = await client.post(`${API}/contacts`).bearerToken(secret).json({ phone: '+44 7700 900123', name: 'Anna', email: 'Anna@Example.com', ownerId: user.id, fields: { seats: 5 }, tagIds: [vip.id] })
    created.assertStatus(201)
    const contact = created.body().data
    assert.deepInclude(contact, { phone: '+447700900123', name: 'Anna', email: 'anna@example.com', ownerId: user.id, fields: { seats: 5 }, tags: [{ id: vip.id, name: 'VIP' }] })
    ;(await client.post(`${API}/contacts`).bearerToken(secret).json({ phone: '+447700900123' })).assertStatus(422)

    const changed = await client.patch(`${API}/contacts/${contact.id}`).bearerToken(secret).json({ name: 'Anna P', fields: { seats: 7 } })
    changed.assertStatus(200)
    assert.deepInclude(changed.body().data, { name: 'Anna P', email: 'anna@example.com', fields: { seats: 7 } })
    const events = await ContactEvent.query().where('contact_id', contact.id).where('kind', 'field')
    assert.sameMembers(events.map((event) => (event.data as any).field), ['name', 'cf.seats'])
    ;(await client.patch(`${API}/contacts/${contact.id}`).bearerToken(secret).json({ email: 'nope' })).assertStatus(422)

    const untagged = await client.delete(`${API}/contacts/${contact.id}/tags/${vip.id}`).bearerToken(secret)
    assert.deepEqual(untagged.body().data.tags, [])
    const retagged = await client.post(`${API}/contacts/${contact.id}/tags`).bearerToken(secret).json({ tagId: vip.id })
    assert.lengthOf(retagged.body().data.tags, 1)
    ;(await client.get(`${API}/contacts/${contact.id}`).bearerToken(secret)).assertStatus(200)
    ;(await client.delete(`${API}/contacts/${contact.id}`).bearerToken(secret)).assertStatus(204)
    assert.isNull(await CrmContact.find(contact.id))
  })

  test('tags, custom fields, segments with their count and members, an import’s status', async ({ client, assert }) => {
    const { workspace, user, secret } = await apiWorkspace()
    const tag = await client.post(`${API}/tags`).bearerToken(secret).json({ name: 'Lead', color: '#00AA00' })
    tag.assertStatus(201)
    assert.deepEqual(tag.body().data, { id: tag.body().data.id, name: 'Lead', color: '#00aa00' })
    ;(await client.post(`${API}/tags`).bearerToken(secret).json({ name: 'lead', color: '#000000' })).assertStatus(422)
    assert.deepEqual((await client.get(`${API}/tags`).bearerToken(secret)).body().data.map((one: any) => one.name), ['Lead'])
    ;(await client.delete(`${API}/tags/${tag.body().data.id}`).bearerToken(secret)).assertStatus(204)

    const field = await client.post(`${API}/fields`).bearerToken(secret).json({ key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] })
    field.assertStatus(201)
    assert.deepEqual((await client.get(`${API}/fields`).bearerToken(secret)).body().data, [{ key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'], required: false }])

    for (let i = 0; i < 3; i++) await contactIn(workspace, { name: `Anna ${i}` })
    await contactIn(workspace, { name: 'Boris' })
    const segment = await Segment.create({ workspaceId: workspace.id, name: 'Annas', filter: { match: 'all', rules: [{ field: 'name', op: 'contains', value: 'anna' }] } as any, createdById: user.id })
    assert.deepEqual((await client.get(`${API}/segments`).bearerToken(secret)).body().data.map((one: any) => one.name), ['Annas'])
    assert.deepEqual((await client.get(`${API}/segments/${segment.id}/count`).bearerToken(secret)).body().data, { count: 3 })
    const members = await client.get(`${API}/segments/${segment.id}/contacts`).qs({ perPage: 2 }).bearerToken(secret)
    assert.deepEqual([members.body().meta.total, members.body().data.length], [3, 2])

    const contactImport = await ContactImport.create({ workspaceId: workspace.id, userId: user.id, status: 'done', filename: 'a.csv', path: 'x', format: 'csv', headers: [], options: {}, total: 10, processed: 10, createdCount: 7, updatedCount: 1, skippedCount: 0, failedCount: 2 } as any)
    const status = await client.get(`${API}/imports/${contactImport.id}`).bearerToken(secret)
    assert.deepInclude(status.body().data, { status: 'done', total: 10, processed: 10, created: 7, updated: 1, skipped: 0, failed: 2 })
  })

  test('another workspace’s ids are 404, a token without the ability 403', async ({ client }) => {
    const { workspace, secret } = await apiWorkspace()
    const mine = await contactIn(workspace, { name: 'Mine' })
    const other = await apiWorkspace()
    const theirs = await contactIn(other.workspace, { name: 'Theirs' })
    const theirTag = await tagIn(other.workspace, 'Theirs')
    const theirSegment = await Segment.create({ workspaceId: other.workspace.id, name: 'X', filter: { match: 'all', rules: [] } as any, createdById: other.user.id })
    for (const url of [`/contacts/${theirs.id}`, `/segments/${theirSegment.id}/count`, `/segments/${theirSegment.id}/contacts`]) {
      ;(await client.get(`${API}${url}`).bearerToken(secret)).assertStatus(404)
    }
    ;(await client.patch(`${API}/contacts/${theirs.id}`).bearerToken(secret).json({ name: 'x' })).assertStatus(404)
    ;(await client.delete(`${API}/contacts/${theirs.id}`).bearerToken(secret)).assertStatus(404)
    ;(await client.delete(`${API}/tags/${theirTag.id}`).bearerToken(secret)).assertStatus(404)
    ;(await client.delete(`${API}/contacts/${mine.id}/tags/${theirTag.id}`).bearerToken(secret)).assertStatus(404)
    ;(await client.post(`${API}/contacts/${mine.id}/tags`).bearerToken(secret).json({ tagId: theirTag.id })).assertStatus(422)
    ;(await client.post(`${API}/contacts/search`).bearerToken(secret).json({ segmentId: theirSegment.id })).assertStatus(404)

    const reader = await issueApiToken(other.user, other.workspace, 'reader', ['crm.view'])
    ;(await client.get(`${API}/contacts/${theirs.id}`).bearerToken(reader.secret)).assertStatus(200)
    ;(await client.patch(`${API}/contacts/${theirs.id}`).bearerToken(reader.secret).json({ name: 'x' })).assertStatus(403)
    ;(await client.delete(`${API}/contacts/${theirs.id}`).bearerToken(reader.secret)).assertStatus(403)
  })
})
