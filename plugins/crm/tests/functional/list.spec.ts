import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import Conversation from '#messaging/models/conversation'
import { channelIn, conversationIn } from '#inbox/tests/support'
import { contactIn, crmWorkspace, fieldIn, tagIn, tagged } from '#crm/tests/support'

/** The contact ids of a page or partial, in the order shown. */
const idsIn = (html: string) => [...html.matchAll(/data-contact="(\d+)"/g)].map((match) => Number(match[1]))

const filterQs = (filter: unknown) => `filter=${encodeURIComponent(JSON.stringify(filter))}`

test.group('CRM: the contacts list', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('lists the workspace’s contacts, newest first, with the sidebar item; another workspace’s are not there', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace('viewer')
    const older = await contactIn(workspace, { name: 'Olga Older', createdDaysAgo: 3, email: 'olga@example.com' })
    const newer = await contactIn(workspace, { name: 'Nina Newer', createdDaysAgo: 1 })
    const other = await crmWorkspace()
    await contactIn(other.workspace, { name: 'Stranger' })

    const page = await client.get(`${base}/contacts`).loginAs(user)
    page.assertStatus(200)
    const html = page.text()
    assert.include(html, `href="/w/${workspace.slug}/crm/contacts"`, 'the sidebar has Contacts')
    assert.deepEqual(idsIn(html), [newer.id, older.id])
    assert.include(html, 'olga@example.com')
    assert.notInclude(html, 'Stranger')
    assert.notInclude(html, 'settings/fields', 'a viewer does not see the fields settings')

    const count = await client.get(`${base}/contacts/count`).loginAs(user)
    assert.include(count.text(), 'data-count="2"')
  })

  test('is 404 where the CRM is off, and for an outsider', async ({ client }) => {
    const { base } = await crmWorkspace()
    const outsider = await crmWorkspace()
    ;(await client.get(`${base}/contacts`).loginAs(outsider.user)).assertStatus(404)
  })

  test('search by name, phone digits, e-mail, or a custom field value', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    await fieldIn(workspace, { key: 'company', label: 'Company', type: 'text' })
    const anna = await contactIn(workspace, { name: 'Anna Karenina', phone: '+79001234567' })
    const boris = await contactIn(workspace, { name: 'Boris', email: 'boris@acme.test' })
    const carla = await contactIn(workspace, { name: 'Carla', attributes: { company: 'Globex Corp' } })

    const search = async (q: string) => idsIn((await client.get(`${base}/contacts?q=${encodeURIComponent(q)}`).header('hx-request', 'true').loginAs(user)).text())
    assert.deepEqual(await search('karen'), [anna.id])
    assert.deepEqual(await search('900 123'), [anna.id])
    assert.deepEqual(await search('acme'), [boris.id])
    assert.deepEqual(await search('globex'), [carla.id])
    assert.deepEqual(await search('100%'), [])
  })

  test('a search that starts with + is the start of a phone number', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const moscow = await contactIn(workspace, { name: 'Moscow', phone: '+79001234567' })
    // Its digits hold "79001" too, but not at the start.
    const london = await contactIn(workspace, { name: 'London', phone: '+447900123456' })

    const search = async (q: string) => idsIn((await client.get(`${base}/contacts?q=${encodeURIComponent(q)}`).header('hx-request', 'true').loginAs(user)).text())
    assert.deepEqual(await search('+7 (900) 12'), [moscow.id])
    assert.deepEqual(await search('+7900'), [moscow.id])
    assert.sameMembers(await search('7900'), [moscow.id, london.id], 'without +: digits anywhere')
  })

  test('sorts by name, last seen and created, both ways', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const b = await contactIn(workspace, { name: 'bravo', lastSeenDaysAgo: 1, createdDaysAgo: 5 })
    const a = await contactIn(workspace, { name: 'Alpha', lastSeenDaysAgo: 3, createdDaysAgo: 1 })
    const c = await contactIn(workspace, { name: 'Charlie', lastSeenDaysAgo: null, createdDaysAgo: 3 })

    const sorted = async (qs: string) => idsIn((await client.get(`${base}/contacts?${qs}`).loginAs(user)).text())
    assert.deepEqual(await sorted('sort=name'), [a.id, b.id, c.id], 'case-insensitive')
    assert.deepEqual(await sorted('sort=name&dir=desc'), [c.id, b.id, a.id])
    assert.deepEqual(await sorted('sort=last_seen'), [b.id, a.id, c.id], 'never seen last')
    assert.deepEqual(await sorted('sort=last_seen&dir=asc'), [c.id, a.id, b.id])
    assert.deepEqual(await sorted('sort=created&dir=asc'), [b.id, c.id, a.id])
    ;(await client.get(`${base}/contacts?sort=attributes`).header('hx-request', 'true').loginAs(user)).assertStatus(422)
  })

  test('keyset pages: 50 a page, the next by cursor, no contact twice or missed, also under a sort with ties', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const created = new Date()
    await db.table('contacts').multiInsert(
      Array.from({ length: 120 }, (_, i) => ({
        workspace_id: workspace.id,
        phone: `+4477001${String(i).padStart(5, '0')}`,
        name: `Same Name`,
        attributes: '{}',
        created_at: created,
        updated_at: created,
      }))
    )
    for (const sort of ['created', 'name']) {
      const seen: number[] = []
      let url: string | null = `${base}/contacts?sort=${sort}`
      let pages = 0
      while (url) {
        const html: string = (await client.get(url).header('hx-request', 'true').loginAs(user)).text()
        seen.push(...idsIn(html))
        pages++
        const next: string | undefined = html.match(/hx-get="([^"]+cursor=[^"]+)"/)?.[1]
        url = next ? next.replaceAll('&amp;', '&') : null
      }
      assert.equal(pages, 3)
      assert.lengthOf(seen, 120)
      assert.lengthOf(new Set(seen), 120)
    }
    ;(await client.get(`${base}/contacts?cursor=not-a-cursor`).loginAs(user)).assertStatus(200)
  })

  test('the columns a member picks are saved for them', async ({ client, assert }) => {
    const { user, base, workspace, owner } = await crmWorkspace('agent')
    await fieldIn(workspace, { key: 'plan', label: 'Plan', type: 'text' })
    await contactIn(workspace, { name: 'Pia', attributes: { plan: 'gold' }, email: 'pia@example.com' })

    await client.post(`${base}/contacts/columns`).form({ columns: ['cf.plan', 'created', 'nonsense'] }).loginAs(user).withCsrfToken().redirects(0)
    const mine = (await client.get(`${base}/contacts`).loginAs(user)).text()
    assert.match(mine, /data-cell="cf.plan"[^>]*>\s*gold/)
    assert.include(mine, 'data-cell="created"')
    assert.notInclude(mine, 'pia@example.com', 'e-mail column not picked')

    const theirs = (await client.get(`${base}/contacts`).loginAs(owner)).text()
    assert.include(theirs, 'pia@example.com', 'the owner keeps the default columns')
  })
})

test.group('CRM: the filter', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('built-in fields, tags, consent, dates and conversation count; AND / OR groups', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const vip = await tagIn(workspace, 'VIP')
    const lead = await tagIn(workspace, 'Lead')
    const channel = await channelIn(workspace)
    const anna = await contactIn(workspace, { name: 'Anna', optInStatus: 'opted_in', lastSeenDaysAgo: 1, email: 'anna@example.com' })
    const boris = await contactIn(workspace, { name: 'Boris', optInStatus: 'opted_out', lastSeenDaysAgo: 40, createdDaysAgo: 60 })
    const carla = await contactIn(workspace, { name: 'Carla', lastSeenDaysAgo: null })
    await tagged(anna, vip, lead)
    await tagged(boris, lead)
    const { contact: dora } = await conversationIn(channel, { name: 'Dora' })
    const { contact: eve } = await conversationIn(channel, { name: 'Eve' })
    await Conversation.create({ workspaceId: workspace.id, contactId: dora.id, channelId: channel.id, status: 'resolved', lastActivityAt: dora.createdAt })

    const ids = async (filter: unknown) => {
      const response = await client.get(`${base}/contacts?${filterQs(filter)}`).header('hx-request', 'true').loginAs(user)
      response.assertStatus(200)
      return idsIn(response.text()).sort((x, y) => x - y)
    }
    const one = (field: string, op: string, value?: unknown) => ({ match: 'all', rules: [{ field, op, value }] })
    assert.deepEqual(await ids(one('tags', 'has_any', [vip.id])), [anna.id])
    assert.deepEqual(await ids(one('tags', 'has_all', [vip.id, lead.id])), [anna.id])
    assert.deepEqual(await ids(one('tags', 'has_any', [vip.id, lead.id])), [anna.id, boris.id])
    assert.notIncludeMembers(await ids(one('tags', 'has_none', [lead.id])), [anna.id, boris.id])
    assert.deepEqual(await ids(one('opt_in', 'is', 'opted_out')), [boris.id])
    assert.deepEqual(await ids(one('last_seen', 'older_than_days', 30)), [boris.id])
    assert.includeMembers(await ids(one('last_seen', 'is_not_set')), [carla.id])
    assert.deepEqual(await ids(one('created', 'before', new Date(Date.now() - 30 * 86400e3).toISOString().slice(0, 10))), [boris.id])
    assert.deepEqual(await ids(one('conversations', 'gte', 2)), [dora.id], 'the count follows new conversations')
    assert.deepEqual(await ids(one('email', 'contains', 'ANNA@')), [anna.id])
    assert.deepEqual(await ids(one('name', 'starts_with', 'bo')), [boris.id])
    assert.deepEqual(
      await ids({ match: 'all', rules: [{ field: 'tags', op: 'has_any', value: [lead.id] }, { match: 'any', rules: [{ field: 'opt_in', op: 'is', value: 'opted_out' }, { field: 'name', op: 'equals', value: 'anna' }] }] }),
      [anna.id, boris.id]
    )
    assert.deepEqual(await ids({ match: 'any', rules: [{ field: 'name', op: 'equals', value: 'Carla' }, { field: 'opt_in', op: 'is', value: 'opted_in' }] }), [anna.id, carla.id, dora.id, eve.id])
  })

  test('custom fields of every type', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    await fieldIn(workspace, { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] })
    await fieldIn(workspace, { key: 'seats', label: 'Seats', type: 'number' })
    await fieldIn(workspace, { key: 'renewal', label: 'Renewal', type: 'date' })
    await fieldIn(workspace, { key: 'vip', label: 'VIP', type: 'boolean' })
    await fieldIn(workspace, { key: 'langs', label: 'Languages', type: 'multiselect', options: ['en', 'ru', 'de'] })
    await fieldIn(workspace, { key: 'company', label: 'Company', type: 'text' })
    const a = await contactIn(workspace, { attributes: { plan: 'pro', seats: 12, renewal: '2025-03-01', vip: true, langs: ['en', 'ru'], company: 'Acme' } })
    const b = await contactIn(workspace, { attributes: { plan: 'free', seats: 3, renewal: '2024-12-31', vip: false, langs: ['de'] } })
    const c = await contactIn(workspace, { attributes: {} })

    const ids = async (field: string, op: string, value?: unknown) =>
      idsIn((await client.get(`${base}/contacts?${filterQs({ match: 'all', rules: [{ field, op, value }] })}`).header('hx-request', 'true').loginAs(user)).text()).sort((x, y) => x - y)
    assert.deepEqual(await ids('cf.plan', 'is', 'pro'), [a.id])
    assert.deepEqual(await ids('cf.plan', 'is_not', 'pro'), [b.id, c.id])
    assert.deepEqual(await ids('cf.plan', 'any_of', ['pro', 'free']), [a.id, b.id])
    assert.deepEqual(await ids('cf.seats', 'gt', 5), [a.id])
    assert.deepEqual(await ids('cf.seats', 'eq', '3'), [b.id])
    assert.deepEqual(await ids('cf.renewal', 'after', '2025-01-01'), [a.id])
    assert.deepEqual(await ids('cf.renewal', 'on', '2024-12-31'), [b.id])
    assert.deepEqual(await ids('cf.vip', 'is_false'), [b.id])
    assert.deepEqual(await ids('cf.langs', 'has_any', ['ru', 'de']), [a.id, b.id])
    assert.deepEqual(await ids('cf.langs', 'has_all', ['en', 'ru']), [a.id])
    assert.deepEqual(await ids('cf.langs', 'has_none', ['en']), [b.id, c.id])
    assert.deepEqual(await ids('cf.company', 'contains', 'cm'), [a.id])
    assert.deepEqual(await ids('cf.company', 'is_not_set'), [b.id, c.id])
  })

  test('the filter knows a tag or a field as soon as it is created, renamed or deleted in settings (the list keeps them briefly)', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const anna = await contactIn(workspace, { name: 'Anna', attributes: { plan: 'pro' } })
    const rows = (filter: unknown) => client.get(`${base}/contacts?${filterQs(filter)}`).header('hx-request', 'true').loginAs(user)
    const page = async () => (await client.get(`${base}/contacts`).loginAs(user)).text()
    const send = (request: ReturnType<typeof client.post>) => request.loginAs(user).withCsrfToken().redirects(0)
    assert.notInclude(await page(), 'Fresh')

    ;(await send(client.post(`${base}/settings/tags`).form({ name: 'Fresh', color: '#112233' }))).assertStatus(302)
    const tag = (await db.from('crm_tags').where('workspace_id', workspace.id).where('name', 'Fresh').first())!
    await db.table('crm_contact_tags').insert({ workspace_id: workspace.id, contact_id: anna.id, tag_id: tag.id, created_at: new Date() })
    const byTag = { match: 'all', rules: [{ field: 'tags', op: 'has_any', value: [tag.id] }] }
    assert.deepEqual(idsIn((await rows(byTag)).text()), [anna.id], 'a new tag filters at once')
    await send(client.put(`${base}/settings/tags/${tag.id}`).form({ name: 'Renamed', color: '#112233' }))
    assert.include(await page(), 'Renamed')

    ;(await send(client.post(`${base}/settings/fields`).form({ label: 'Plan', key: 'plan', type: 'text' }))).assertStatus(302)
    assert.deepEqual(idsIn((await rows({ match: 'all', rules: [{ field: 'cf.plan', op: 'equals', value: 'pro' }] })).text()), [anna.id], 'a new field filters at once')

    await send(client.delete(`${base}/settings/tags/${tag.id}`))
    ;(await rows(byTag)).assertStatus(422)
  })

  test('a filter that does not fit is a 422 naming the rule; malformed JSON too; values are never SQL', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const other = await crmWorkspace()
    const foreignTag = await tagIn(other.workspace, 'Theirs')
    await fieldIn(workspace, { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] })
    const victim = await contactIn(workspace, { name: "Robert'); drop table contacts; --" })

    const get = (qs: string) => client.get(`${base}/contacts?${qs}`).header('hx-request', 'true').loginAs(user)
    const errorsOf = async (filter: unknown) => {
      const response = await get(filterQs(filter))
      response.assertStatus(422)
      return response.body().errors.map((error: { field: string }) => error.field)
    }
    assert.deepEqual(await errorsOf({ match: 'all', rules: [{ field: 'nope', op: 'is', value: 1 }] }), ['filter.rules.0.field'])
    assert.deepEqual(await errorsOf({ match: 'all', rules: [{ field: 'name', op: 'gt', value: 1 }] }), ['filter.rules.0.op'])
    assert.deepEqual(await errorsOf({ match: 'all', rules: [{ field: 'cf.plan', op: 'is', value: 'gold' }] }), ['filter.rules.0.value'])
    assert.deepEqual(await errorsOf({ match: 'all', rules: [{ field: 'tags', op: 'has_any', value: [foreignTag.id] }] }), ['filter.rules.0.value'], 'another workspace’s tag')
    assert.deepEqual(await errorsOf({ match: 'all', rules: [{ field: 'name', op: 'contains', value: 'x' }, { match: 'any', rules: [{ field: 'last_seen', op: 'before', value: '2024-13-45' }] }] }), ['filter.rules.1.rules.0.value'])
    assert.include(await errorsOf({ match: 'maybe', rules: [] }), 'filter.match')
    ;(await get('filter=%7Bnot%20json')).assertStatus(422)

    const quoted = await get(filterQs({ match: 'all', rules: [{ field: 'name', op: 'equals', value: "Robert'); drop table contacts; --" }] }))
    assert.deepEqual(idsIn(quoted.text()), [victim.id])
    const cfKey = await get(filterQs({ match: 'all', rules: [{ field: "cf.plan'--", op: 'is_set' }] }))
    cfKey.assertStatus(422)
  })
})
