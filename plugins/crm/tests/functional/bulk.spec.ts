import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import { addMember } from '#database/factories/index'
import BulkAction from '#crm/models/bulk_action'
import ContactEvent from '#crm/models/contact_event'
import ContactExport from '#crm/models/contact_export'
import CrmContact from '#crm/models/crm_contact'
import Segment from '#crm/models/segment'
import { purgeDeletedContacts } from '#crm/services/purge_contacts'
import { contactIn, crmWorkspace, fieldIn, onWorker, tagIn, tagged, untilFinished } from '#crm/tests/support'
import { pluginEnablement } from '#plugins/enablement'
import { issueApiToken } from '#auth/api_tokens'
import { API_ABILITIES } from '#messaging/tests/support'
import { channelIn, conversationIn } from '#inbox/tests/support'

const announced: { hook: string; payload: any }[] = []
for (const hook of ['contact.updated', 'contact.tagged', 'contact.deleted'] as const) {
  hooks.tap(hook, { plugin: 'core' }, (payload: any) => void announced.push({ hook, payload }))
}
const announcedFor = (workspaceId: number, hook: string) => announced.filter((event) => event.hook === hook && event.payload.workspaceId === workspaceId)

/** A list in a form as the browser sends it (superagent would send a one-item list as a plain field). */
const idsOf = (values: (string | number)[]) => Object.fromEntries(values.map((value, index) => [`ids[${index}]`, String(value)]))
const tagIdsOf = async (contactId: number) => (await db.from('crm_contact_tags').where('contact_id', contactId).select('tag_id')).map((row) => row.tag_id)
const eventsOf = (contactId: number) => ContactEvent.query().where('contact_id', contactId).orderBy('id')

test.group('CRM: bulk actions', (group) => {
  group.each.setup(() => {
    announced.length = 0
    return testUtils.db().withGlobalTransaction()
  })

  test('tags the checked rows: once each, on the timeline and announced; untags them', async ({ client, assert }) => {
    const { workspace, user, base } = await crmWorkspace('agent')
    const vip = await tagIn(workspace, 'VIP')
    const [anna, boris, clara] = [await contactIn(workspace, { name: 'Anna' }), await contactIn(workspace, { name: 'Boris' }), await contactIn(workspace, { name: 'Clara' })]
    await tagged(boris, vip)

    const response = await client.post(`${base}/bulk`).form({ action: 'tag', tagId: String(vip.id), ...idsOf([String(anna.id), String(boris.id)]) }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    response.assertStatus(200)
    assert.equal(response.header('hx-trigger'), 'crm:bulked')
    assert.include(response.text(), 'Tag added to 1 contact')
    assert.deepEqual([await tagIdsOf(anna.id), await tagIdsOf(boris.id), await tagIdsOf(clara.id)], [[vip.id], [vip.id], []])
    const [event] = await eventsOf(anna.id)
    assert.deepEqual([event.kind, event.actorId, event.data], ['tag', user.id, { kind: 'tag', tagId: vip.id, name: 'VIP', added: true }])
    assert.lengthOf(await eventsOf(boris.id), 0, 'already tagged: nothing changed')
    assert.deepEqual(announcedFor(workspace.id, 'contact.tagged').map((event) => event.payload), [{ workspaceId: workspace.id, contactId: anna.id, tagId: vip.id, tag: 'VIP', added: true, actorId: user.id }])

    await client.post(`${base}/bulk`).form({ action: 'untag', tagId: String(vip.id), ...idsOf([String(anna.id), String(boris.id), String(clara.id)]) }).loginAs(user).withCsrfToken().redirects(0)
    assert.deepEqual([await tagIdsOf(anna.id), await tagIdsOf(boris.id)], [[], []])
    assert.deepEqual((await eventsOf(boris.id)).map((one) => one.data), [{ kind: 'tag', tagId: vip.id, name: 'VIP', added: false }])
    const bulk = await BulkAction.query().where('workspace_id', workspace.id).orderBy('id', 'desc').firstOrFail()
    assert.deepEqual([bulk.status, bulk.total, bulk.processed, bulk.changed], ['done', 3, 3, 2])
  })

  test('"all matching" applies to the whole filter or segment result, not the page shown', async ({ client, assert }) => {
    const { workspace, user, base } = await crmWorkspace()
    const lead = await tagIn(workspace, 'Lead')
    const ids: number[] = []
    for (let i = 0; i < 55; i++) ids.push((await contactIn(workspace, { name: `Anna ${i}` })).id)
    const boris = await contactIn(workspace, { name: 'Boris' })
    const filter = JSON.stringify({ match: 'all', rules: [{ field: 'name', op: 'starts_with', value: 'anna' }] })

    const list = await client.get(`${base}/contacts`).qs({ filter }).loginAs(user)
    assert.lengthOf(list.text().match(/data-contact="/g)!, 50, 'the page shows 50')
    await client.post(`${base}/bulk`).form({ action: 'tag', tagId: String(lead.id), all: 'true', filter }).loginAs(user).withCsrfToken().redirects(0)
    const taggedIds = (await db.from('crm_contact_tags').where('tag_id', lead.id).select('contact_id')).map((row) => Number(row.contact_id))
    assert.sameMembers(taggedIds, ids)
    assert.notInclude(taggedIds, boris.id)

    // A segment's members, with the list's search narrowing them.
    const segment = await Segment.create({ workspaceId: workspace.id, name: 'Leads', filter: { match: 'all', rules: [{ field: 'tags', op: 'has_any', value: [lead.id] }] } as any, createdById: user.id })
    await client.post(`${base}/bulk`).form({ action: 'untag', tagId: String(lead.id), all: 'true', segment: String(segment.id), q: 'Anna 5' }).loginAs(user).withCsrfToken().redirects(0)
    assert.equal(Number((await db.from('crm_contact_tags').where('tag_id', lead.id).count('* as n'))[0].n), 55 - 6, 'Anna 5 and Anna 50…54 untagged')
  })

  test('sets a custom or built-in field with the card’s validation, recording each old value', async ({ client, assert }) => {
    const { workspace, user, base } = await crmWorkspace()
    await fieldIn(workspace, { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] })
    await fieldIn(workspace, { key: 'seats', label: 'Seats', type: 'number', options: [] })
    const anna = await contactIn(workspace, { attributes: { plan: 'free' } })
    const boris = await contactIn(workspace, { attributes: { plan: 'pro', seats: 3 } })
    const ids = idsOf([anna.id, boris.id])
    const send = (form: Record<string, unknown>) => client.post(`${base}/bulk`).form({ ...form, ...ids }).header('accept', 'application/json').loginAs(user).withCsrfToken()

    ;(await send({ action: 'set_field', field: 'cf.plan', value: 'pro' })).assertStatus(200)
    assert.deepEqual([(await CrmContact.findOrFail(anna.id)).attributes, (await CrmContact.findOrFail(boris.id)).attributes], [{ plan: 'pro' }, { plan: 'pro', seats: 3 }])
    assert.deepEqual((await eventsOf(anna.id)).map((event) => event.data), [{ kind: 'field', field: 'cf.plan', label: 'Plan', from: 'free', to: 'pro' }])
    assert.lengthOf(await eventsOf(boris.id), 0)
    assert.deepEqual(announcedFor(workspace.id, 'contact.updated').map((event) => event.payload.changes), [[{ field: 'cf.plan', from: 'free', to: 'pro' }]])

    ;(await send({ action: 'set_field', field: 'cf.seats', value: '12' })).assertStatus(200)
    assert.strictEqual((await CrmContact.findOrFail(anna.id)).attributes.seats, 12, 'stored as a number')
    ;(await send({ action: 'set_field', field: 'cf.seats', value: '' })).assertStatus(200)
    assert.notProperty((await CrmContact.findOrFail(boris.id)).attributes, 'seats', 'an empty value clears it')

    const wrongOption = await send({ action: 'set_field', field: 'cf.plan', value: 'gold' })
    wrongOption.assertStatus(422)
    assert.deepEqual(wrongOption.body().errors.map((error: any) => error.field), ['value'])
    ;(await send({ action: 'set_field', field: 'cf.nope', value: 'x' })).assertStatus(422)
    ;(await send({ action: 'set_field', field: 'email', value: 'not an e-mail' })).assertStatus(422)
    ;(await send({ action: 'set_field', field: 'phone', value: '+1' })).assertStatus(422)

    ;(await send({ action: 'set_field', field: 'email', value: 'Team@Example.com' })).assertStatus(200)
    assert.deepEqual((await CrmContact.query().whereIn('id', [anna.id, boris.id])).map((contact) => contact.email), ['team@example.com', 'team@example.com'])
  })

  test('assigns an owner who may edit contacts; opts out with the source "bulk"', async ({ client, assert }) => {
    const { workspace, user, base } = await crmWorkspace()
    const agent = await addMember(workspace, 'agent')
    const viewer = await addMember(workspace, 'viewer')
    const anna = await contactIn(workspace, { optInStatus: 'opted_in' })
    const boris = await contactIn(workspace, { optInStatus: 'opted_out' })
    const ids = idsOf([anna.id, boris.id])
    const send = (form: Record<string, unknown>) => client.post(`${base}/bulk`).form({ ...form, ...ids }).header('accept', 'application/json').loginAs(user).withCsrfToken()

    ;(await send({ action: 'owner', ownerId: String(viewer.id) })).assertStatus(422)
    ;(await send({ action: 'owner', ownerId: String(agent.id) })).assertStatus(200)
    assert.deepEqual((await CrmContact.query().whereIn('id', [anna.id, boris.id])).map((contact) => contact.ownerId), [agent.id, agent.id])
    assert.deepEqual((await eventsOf(anna.id)).map((event) => event.data), [{ kind: 'field', field: 'owner', label: 'owner', from: null, to: agent.id }])

    ;(await send({ action: 'opt_out' })).assertStatus(200)
    const annaNow = await CrmContact.findOrFail(anna.id)
    assert.deepEqual([annaNow.optInStatus, annaNow.optInSource], ['opted_out', 'bulk'])
    assert.deepEqual((await eventsOf(anna.id)).at(-1)!.data, { kind: 'consent', from: 'opted_in', to: 'opted_out', source: 'bulk' })
    assert.lengthOf((await eventsOf(boris.id)).filter((event) => event.kind === 'consent'), 0, 'already opted out')
    assert.deepEqual(announcedFor(workspace.id, 'contact.updated').filter((event) => event.payload.changes[0].field === 'opt_in').map((event) => event.payload.contactId), [anna.id])
  })

  test('deletes with an undo window: hidden at once, back on undo, gone for good once purged', async ({ client, assert }) => {
    const { workspace, user, base } = await crmWorkspace()
    const [anna, boris, clara] = [await contactIn(workspace, { name: 'Anna' }), await contactIn(workspace, { name: 'Boris' }), await contactIn(workspace, { name: 'Clara' })]
    const agent = await addMember(workspace, 'agent')
    ;(await client.post(`${base}/bulk`).form({ action: 'delete', ...idsOf([String(anna.id)]) }).loginAs(agent).withCsrfToken().redirects(0)).assertStatus(403)

    const deleted = await client.post(`${base}/bulk`).form({ action: 'delete', ...idsOf([String(anna.id), String(boris.id)]) }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    assert.include(deleted.text(), '2 contacts deleted')
    assert.include(deleted.text(), 'data-testid="bulk-undo"')
    const list = await client.get(`${base}/contacts`).loginAs(user)
    assert.notInclude(list.text(), `data-contact="${anna.id}"`)
    assert.include(list.text(), `data-contact="${clara.id}"`)
    assert.include((await client.get(`${base}/contacts/count`).loginAs(user)).text(), '1 contact')
    ;(await client.get(`${base}/contacts/${anna.id}`).loginAs(user)).assertStatus(404)

    const bulk = await BulkAction.query().where('workspace_id', workspace.id).where('action', 'delete').firstOrFail()
    ;(await client.post(`${base}/bulk/${bulk.id}/undo`).loginAs(agent).withCsrfToken().redirects(0)).assertStatus(403)
    const undone = await client.post(`${base}/bulk/${bulk.id}/undo`).header('hx-request', 'true').loginAs(user).withCsrfToken()
    assert.include(undone.text(), '2 contacts restored')
    ;(await client.get(`${base}/contacts/${anna.id}`).loginAs(user)).assertStatus(200)
    await purgeDeletedContacts(workspace.id, bulk.id)
    assert.isNotNull(await CrmContact.find(anna.id), 'an undone delete purges nothing')

    await client.post(`${base}/bulk`).form({ action: 'delete', ...idsOf([String(anna.id), String(boris.id)]) }).loginAs(user).withCsrfToken().redirects(0)
    const second = await BulkAction.query().where('workspace_id', workspace.id).where('action', 'delete').orderBy('id', 'desc').firstOrFail()
    // Boris wrote while hidden: he stays, with his new message.
    await CrmContact.query().where('id', boris.id).update({ lastSeenAt: new Date(Date.now() + 1000) })
    await purgeDeletedContacts(workspace.id, second.id)
    assert.isNull(await CrmContact.find(anna.id))
    assert.isNotNull(await CrmContact.query().where('id', boris.id).whereNull('hidden_by').first())
    assert.deepEqual(announcedFor(workspace.id, 'contact.deleted').map((event) => event.payload), [{ workspaceId: workspace.id, contactId: anna.id, actorId: user.id }])
    const late = await client.post(`${base}/bulk/${second.id}/undo`).header('accept', 'application/json').loginAs(user).withCsrfToken()
    late.assertStatus(422)
  })

  test('during the undo window the inbox’s list and search and messaging’s API do not show the deleted contacts; back on undo', async ({ client, assert }) => {
    const { workspace, user, base } = await crmWorkspace()
    await pluginEnablement.enable(workspace, 'inbox', user.id)
    const { secret: token } = await issueApiToken(user, workspace, 'tests', API_ABILITIES)
    const channel = await channelIn(workspace)
    const { contact: anna, conversation: annas } = await conversationIn(channel, { name: 'Anna Smirnova' })
    const { contact: clara, conversation: claras } = await conversationIn(channel, { name: 'Clara Smirnova' })
    const inbox = `/w/${workspace.slug}/inbox`
    const conversationsIn = async (qs: string) => [...(await client.get(`${inbox}?${qs}`).loginAs(user)).text().matchAll(/data-conversation="(\d+)"/g)].map((match) => Number(match[1]))
    const apiIds = async (qs: string) => (await client.get(`/api/v1/contacts?${qs}`).bearerToken(token)).body().data.map((contact: any) => contact.id)
    const visible = async () => ({
      list: await conversationsIn('view=all'),
      search: await conversationsIn('view=all&q=Smirnova'),
      byPhone: await conversationsIn(`view=all&q=${encodeURIComponent(anna.phone)}`),
      api: await apiIds(''),
      apiSearch: await apiIds('search=Smirnova'),
      apiShow: (await client.get(`/api/v1/contacts/${anna.id}`).bearerToken(token)).status(),
      apiUpdate: (await client.patch(`/api/v1/contacts/${anna.id}`).bearerToken(token).json({ locale: 'ru' })).status(),
    })
    const before = await visible()
    assert.sameMembers(before.list, [annas.id, claras.id])
    assert.sameMembers(before.search, [annas.id, claras.id])
    assert.deepEqual([before.byPhone, before.apiShow, before.apiUpdate], [[annas.id], 200, 200])

    await client.post(`${base}/bulk`).form({ action: 'delete', ...idsOf([String(anna.id)]) }).loginAs(user).withCsrfToken().redirects(0)
    assert.deepEqual(await visible(), { list: [claras.id], search: [claras.id], byPhone: [], api: [clara.id], apiSearch: [clara.id], apiShow: 404, apiUpdate: 404 })

    const bulk = await BulkAction.query().where('workspace_id', workspace.id).where('action', 'delete').firstOrFail()
    await client.post(`${base}/bulk/${bulk.id}/undo`).loginAs(user).withCsrfToken().redirects(0)
    const after = await visible()
    assert.sameMembers(after.list, [annas.id, claras.id])
    assert.sameMembers(after.search, [annas.id, claras.id])
    assert.sameMembers(after.api, [anna.id, clara.id])
    assert.deepEqual([after.byPhone, after.apiShow, after.apiUpdate], [[annas.id], 200, 200])
  })

  test('bad input is a 422; another workspace’s contacts, tags and actions are out of reach', async ({ client, assert }) => {
    const { workspace, user, base } = await crmWorkspace()
    const other = await crmWorkspace()
    const theirs = await contactIn(other.workspace, { name: 'Theirs' })
    const theirTag = await tagIn(other.workspace, 'Theirs')
    const ours = await tagIn(workspace, 'Ours')
    const json = (form: Record<string, unknown>) => client.post(`${base}/bulk`).form(form).header('accept', 'application/json').loginAs(user).withCsrfToken()

    ;(await json({ action: 'explode', ids: ['1'] })).assertStatus(422)
    ;(await json({ action: 'tag', tagId: String(ours.id) })).assertStatus(422)
    ;(await json({ action: 'tag', ids: ['1'] })).assertStatus(422)
    ;(await json({ action: 'tag', tagId: String(theirTag.id), ...idsOf([String(theirs.id)]) })).assertStatus(422)
    ;(await json({ action: 'tag', tagId: String(ours.id), all: 'true', filter: '{"match":"all","rules":[{"field":"cf.gone","op":"is_set"}]}' })).assertStatus(422)

    const done = await json({ action: 'tag', tagId: String(ours.id), ...idsOf([String(theirs.id)]) })
    done.assertStatus(200)
    assert.deepEqual(await tagIdsOf(theirs.id), [], 'another workspace’s contact is not touched')
    await client.post(`${base}/bulk`).form({ action: 'delete', ...idsOf([String(theirs.id)]) }).loginAs(user).withCsrfToken().redirects(0)
    const bulk = await BulkAction.query().where('workspace_id', workspace.id).orderBy('id', 'desc').firstOrFail()
    assert.equal(bulk.changed, 0)
    assert.isNull((await CrmContact.findOrFail(theirs.id)).hiddenBy)
    ;(await client.get(`${other.base}/bulk/${bulk.id}`).loginAs(other.user)).assertStatus(404)
    ;(await client.post(`${other.base}/bulk/${bulk.id}/undo`).loginAs(other.user).withCsrfToken()).assertStatus(404)
  })

  test('exports the checked rows only', async ({ client, assert }) => {
    const { workspace, user, base } = await crmWorkspace()
    const anna = await contactIn(workspace, { name: 'Anna' })
    await contactIn(workspace, { name: 'Boris' })
    const started = await client.post(`${base}/exports`).form({ format: 'csv', ...idsOf([String(anna.id)]) }).loginAs(user).withCsrfToken().redirects(0)
    started.assertStatus(302)
    const contactExport = await ContactExport.query().where('workspace_id', workspace.id).firstOrFail()
    assert.deepEqual(contactExport.query.ids, [anna.id])
  })
})

test.group('CRM: bulk actions in the background', (group) => {
  onWorker(group, () => (announced.length = 0))

  test('more than one batch runs as a job with progress, set-based, and records every contact', async ({ client, assert }) => {
    const { workspace, user, base } = await crmWorkspace()
    const vip = await tagIn(workspace, 'VIP')
    await db.rawQuery(
      `insert into contacts (workspace_id, phone, wa_id, name, attributes, opt_in_status, blocked, created_at, updated_at)
       select ?, '+4470000' || lpad(n::text, 5, '0'), '4470000' || lpad(n::text, 5, '0'), 'Bulk ' || n, '{}', 'unknown', false, now(), now() from generate_series(1, 2500) as n`,
      [workspace.id]
    )
    await contactIn(workspace, { name: 'Other' })
    const filter = JSON.stringify({ match: 'all', rules: [{ field: 'name', op: 'starts_with', value: 'bulk' }] })

    const response = await client.post(`${base}/bulk`).form({ action: 'tag', tagId: String(vip.id), all: 'true', filter }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    response.assertStatus(200)
    assert.include(response.text(), 'data-testid="transfer-progress"', 'a progress bar, not a result')
    const bulk = await BulkAction.query().where('workspace_id', workspace.id).firstOrFail()
    const done = await untilFinished(() => BulkAction.findOrFail(bulk.id))
    assert.deepEqual([done.status, done.total, done.processed, done.changed], ['done', 2500, 2500, 2500])
    assert.equal(Number((await db.from('crm_contact_tags').where('tag_id', vip.id).count('* as n'))[0].n), 2500)
    assert.equal(Number((await db.from('crm_contact_events').where('workspace_id', workspace.id).where('kind', 'tag').count('* as n'))[0].n), 2500)
    assert.lengthOf(announcedFor(workspace.id, 'contact.tagged'), 2500)
    const result = await client.get(`${base}/bulk/${bulk.id}`).header('hx-request', 'true').loginAs(user)
    assert.include(result.text(), 'Tag added to 2,500 contacts')
  })
})
