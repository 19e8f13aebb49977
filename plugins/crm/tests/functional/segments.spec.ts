import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { addMember } from '#database/factories/index'
import Segment from '#crm/models/segment'
import { countSegment, segmentContactIds } from '#crm/services/segments'
import { EXACT_COUNT_UP_TO } from '#crm/services/contact_list'
import { contactIn, crmWorkspace, tagIn, tagged } from '#crm/tests/support'

const idsIn = (html: string) => [...html.matchAll(/data-contact="(\d+)"/g)].map((match) => Number(match[1]))

test.group('CRM: segments', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a filter saved as a segment opens in the list, is listed for the workspace, and its count follows the contacts', async ({ client, assert }) => {
    const { user, base, workspace, owner } = await crmWorkspace('agent')
    const vip = await tagIn(workspace, 'VIP')
    const anna = await contactIn(workspace, { name: 'Anna' })
    await contactIn(workspace, { name: 'Boris' })
    await tagged(anna, vip)
    const filter = { match: 'all', rules: [{ field: 'tags', op: 'has_any', value: [vip.id] }] }

    const saved = await client.post(`${base}/segments`).form({ name: 'VIPs', filter: JSON.stringify(filter) }).loginAs(user).withCsrfToken().redirects(0)
    saved.assertStatus(302)
    const segment = await Segment.query().where('workspace_id', workspace.id).firstOrFail()
    assert.equal(saved.header('location'), `${base}/contacts?segment=${segment.id}`)
    assert.deepEqual(segment.filter, filter)
    assert.equal(segment.createdById, user.id)

    const list = await client.get(`${base}/contacts?segment=${segment.id}`).loginAs(owner)
    assert.deepEqual(idsIn(list.text()), [anna.id])
    assert.include(list.text(), 'Segment: VIPs')

    const index = await client.get(`${base}/segments`).loginAs(owner)
    assert.include(index.text(), 'VIPs')
    const count = async () => (await client.get(`${base}/segments/${segment.id}/count`).loginAs(owner)).text()
    assert.include(await count(), 'data-count="1"')
    await tagged(await contactIn(workspace, { name: 'Carla' }), vip)
    assert.include(await count(), 'data-count="2"', 'dynamic: the new member counts at once')
  })

  test('names are unique in the workspace; a filter that does not compile is refused; viewers may not save', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const filter = JSON.stringify({ match: 'all', rules: [{ field: 'name', op: 'contains', value: 'a' }] })
    await client.post(`${base}/segments`).form({ name: 'Leads', filter }).loginAs(user).withCsrfToken().redirects(0)
    const post = (form: Record<string, string>, as = user) => client.post(`${base}/segments`).form(form).header('accept', 'application/json').loginAs(as).withCsrfToken()

    const twin = await post({ name: 'leads', filter })
    twin.assertStatus(422)
    assert.equal(twin.body().errors[0].field, 'name')
    const bad = await post({ name: 'Bad', filter: JSON.stringify({ match: 'all', rules: [{ field: 'tags', op: 'has_any', value: [999999] }] }) })
    bad.assertStatus(422)
    assert.equal(bad.body().errors[0].field, 'filter.rules.0.value')
    ;(await post({ name: 'Broken', filter: '{' })).assertStatus(422)

    ;(await post({ name: 'Mine', filter }, await addMember(workspace, 'viewer'))).assertStatus(403)
    assert.equal((await Segment.query().where('workspace_id', workspace.id)).length, 1)
  })

  test('a segment whose tag was deleted says so instead of counting; deleting a segment keeps its contacts', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const vip = await tagIn(workspace, 'VIP')
    const segment = await Segment.create({ workspaceId: workspace.id, name: 'VIPs', filter: { match: 'all', rules: [{ field: 'tags', op: 'has_any', value: [vip.id] }] }, createdById: user.id })
    await contactIn(workspace)
    await vip.delete()
    ;(await client.get(`${base}/segments/${segment.id}/count`).header('hx-request', 'true').loginAs(user)).assertStatus(422)
    const opened = await client.get(`${base}/contacts?segment=${segment.id}`).loginAs(user)
    opened.assertStatus(422)
    assert.include(opened.text(), 'data-testid="filter-problems"', 'the list says what is wrong with it')
    assert.include(opened.text(), 'filter.rules.0.value')
    assert.notInclude(opened.text(), 'data-contact=', 'and shows no rows rather than everyone')

    await client.delete(`${base}/segments/${segment.id}`).loginAs(user).withCsrfToken().redirects(0)
    assert.isNull(await Segment.find(segment.id))
    assert.include((await client.get(`${base}/contacts`).loginAs(user)).text(), 'data-contact=')
  })

  test('another workspace’s segment is 404 on every route', async ({ client }) => {
    const { user, base } = await crmWorkspace()
    const other = await crmWorkspace()
    const theirs = await Segment.create({ workspaceId: other.workspace.id, name: 'Theirs', filter: { match: 'all', rules: [] }, createdById: null })
    ;(await client.get(`${base}/segments/${theirs.id}/count`).loginAs(user)).assertStatus(404)
    ;(await client.delete(`${base}/segments/${theirs.id}`).loginAs(user).withCsrfToken()).assertStatus(404)
    ;(await client.get(`${base}/contacts?segment=${theirs.id}`).loginAs(user)).assertStatus(404)
  })

  test('the exported service counts a segment and yields its contacts in batches, by id, scoped to the workspace', async ({ assert }) => {
    const { workspace } = await crmWorkspace()
    const other = await crmWorkspace()
    const lead = await tagIn(workspace, 'Lead')
    const members = []
    for (let i = 0; i < 7; i++) {
      const contact = await contactIn(workspace)
      if (i % 3 !== 0) {
        await tagged(contact, lead)
        members.push(contact.id)
      }
    }
    await contactIn(other.workspace)
    const segment = await Segment.create({ workspaceId: workspace.id, name: 'Leads', filter: { match: 'all', rules: [{ field: 'tags', op: 'has_any', value: [lead.id] }] }, createdById: null })

    assert.equal(await countSegment(workspace.id, segment.id), members.length)
    const batches: number[][] = []
    for await (const ids of segmentContactIds(workspace.id, segment.id, 2)) batches.push(ids)
    assert.deepEqual(batches.map((batch) => batch.length), [2, 2])
    assert.deepEqual(batches.flat(), members.sort((a, b) => a - b))
    await assert.rejects(() => countSegment(other.workspace.id, segment.id))
  })

  test('past 1,000 members the size shown is an estimate (≈), below it exact; countSegment stays exact', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const many = EXACT_COUNT_UP_TO + 200
    await db.rawQuery(
      `insert into contacts (workspace_id, phone, wa_id, profile_name, created_at, updated_at)
       select ?, '+7901' || lpad(n::text, 7, '0'), '7901' || lpad(n::text, 7, '0'), 'Bulk ' || n, now(), now() from generate_series(1, ?) as n`,
      [workspace.id, many]
    )
    await contactIn(workspace, { name: 'Zed' })
    const segment = async (name: string, rules: object[]) => Segment.create({ workspaceId: workspace.id, name, filter: { match: 'all', rules } as any, createdById: user.id })
    const bulk = await segment('Bulk', [{ field: 'name', op: 'starts_with', value: 'Bulk' }])
    const zed = await segment('Zed', [{ field: 'name', op: 'equals', value: 'Zed' }])

    const shown = (await client.get(`${base}/segments/${bulk.id}/count`).loginAs(user)).text()
    assert.include(shown, 'data-estimate')
    assert.include(shown, '≈')
    assert.isAbove(Number(/data-count="(\d+)"/.exec(shown)?.[1]), EXACT_COUNT_UP_TO)
    assert.equal(await countSegment(workspace.id, bulk.id), many)

    const exact = (await client.get(`${base}/segments/${zed.id}/count`).loginAs(user)).text()
    assert.include(exact, 'data-count="1"')
    assert.notInclude(exact, 'data-estimate')
  })
})
