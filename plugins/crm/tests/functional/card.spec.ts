import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import { hooks } from '#hooks/bus'
import { pluginEnablement } from '#plugins/enablement'
import ContactEvent from '#crm/models/contact_event'
import CrmContact from '#crm/models/crm_contact'
import { conversationIn, inboxWorkspace, messageIn } from '#inbox/tests/support'
import { contactIn, crmWorkspace, fieldIn, tagIn, tagged } from '#crm/tests/support'

const announced: { hook: string; payload: any }[] = []
hooks.tap('contact.updated', { plugin: 'core' }, (payload) => void announced.push({ hook: 'contact.updated', payload }))
hooks.tap('contact.tagged', { plugin: 'core' }, (payload) => void announced.push({ hook: 'contact.tagged', payload }))
const of = (contactId: number) => announced.filter((event) => event.payload.contactId === contactId)

/** What another plugin adds to a timeline through the hook, in the workspace a test chooses. */
let addingTo: number | null = null
hooks.tap('crm.timeline', { plugin: 'core' }, (entries, { workspaceId, contactId }) =>
  workspaceId === addingTo
    ? [
        ...entries,
        { at: new Date(Date.now() - 60_000), kind: 'deal', title: `Deal <b>won</b> for ${contactId}`, body: 'Annual plan', url: '/w/x/deals/1' },
        { at: new Date(Date.now() - 120_000), kind: 'deal', title: 'Elsewhere', url: '//evil.example/x' },
      ]
    : entries
)

test.group('CRM: the contact card', (group) => {
  // The hooks' taps see every spec file's announcements (ids repeat after another file's truncation): each test starts empty.
  group.each.setup(() => {
    announced.length = 0
    return testUtils.db().withGlobalTransaction()
  })

  test('shows profile, custom fields, tags, consent and a timeline with conversations and plugins’ entries', async ({ client, assert }) => {
    const { workspace, user, channel } = await inboxWorkspace()
    await pluginEnablement.enable(workspace, 'crm', user.id)
    await fieldIn(workspace, { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] })
    const vip = await tagIn(workspace, 'VIP', '#aa0000')
    const { contact, conversation } = await conversationIn(channel, { name: 'Anna', texts: ['Hi', 'Price?'] })
    await messageIn(conversation, { direction: 'outbound', content: { body: 'Hello!' } })
    await CrmContact.query().where('id', contact.id).update({ attributes: { plan: 'pro' }, email: 'anna@example.com' })
    await tagged(await CrmContact.findOrFail(contact.id), vip)
    addingTo = workspace.id

    const page = await client.get(`/w/${workspace.slug}/crm/contacts/${contact.id}`).loginAs(user)
    page.assertStatus(200)
    const html = page.text()
    assert.include(html, 'anna@example.com')
    assert.match(html, /data-field="plan"[\s\S]*?data-value>\s*pro/)
    assert.include(html, 'data-tag="VIP"')
    assert.include(html, 'data-consent="opted_in"')
    assert.include(html, 'Conversation on Support')
    assert.include(html, '2 messages in, 1 out')
    assert.include(html, 'Deal &lt;b&gt;won&lt;/b&gt; for', 'a plugin’s entry, escaped')
    assert.include(html, 'href="/w/x/deals/1"')
    assert.include(html, 'Elsewhere')
    assert.notInclude(html, 'evil.example', 'only links within the app')
    addingTo = null
  })

  test('a custom field edited inline is validated by its type, stored normalised, and recorded on the timeline with who', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace('agent')
    await user.merge({ fullName: 'Ada Agent' }).save()
    await fieldIn(workspace, { key: 'seats', label: 'Seats', type: 'number' })
    await fieldIn(workspace, { key: 'renewal', label: 'Renewal', type: 'date' })
    await fieldIn(workspace, { key: 'mobile', label: 'Mobile', type: 'phone' })
    await fieldIn(workspace, { key: 'site', label: 'Site', type: 'url' })
    await fieldIn(workspace, { key: 'langs', label: 'Languages', type: 'multiselect', options: ['en', 'ru'] })
    await fieldIn(workspace, { key: 'vip', label: 'VIP', type: 'boolean' })
    await fieldIn(workspace, { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'], required: true })
    const contact = await contactIn(workspace, { attributes: { plan: 'free' } })
    const put = (key: string, value: unknown) =>
      client.put(`${base}/contacts/${contact.id}/fields/${key}`).form({ [key]: value }).header('hx-request', 'true').loginAs(user).withCsrfToken()

    ;(await put('seats', '12')).assertStatus(200)
    ;(await put('renewal', '2025-03-01')).assertStatus(200)
    ;(await put('mobile', '+7 900 123-45-67')).assertStatus(200)
    ;(await put('langs', ['ru', 'en'])).assertStatus(200)
    ;(await put('vip', 'true')).assertStatus(200)
    const plan = await put('plan', 'pro')
    plan.assertStatus(200)
    assert.include(plan.text(), 'id="field-plan"')
    assert.include(plan.text(), 'hx-swap-oob', 'the timeline follows')
    await contact.refresh()
    assert.deepEqual(contact.attributes, { plan: 'pro', seats: 12, renewal: '2025-03-01', mobile: '+79001234567', langs: ['ru', 'en'], vip: true })

    const refused = async (key: string, value: unknown) => {
      const response = await put(key, value)
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, key)
      return response.body().errors[0].message as string
    }
    assert.include(await refused('seats', 'twelve'), 'Seats')
    await refused('renewal', '2025-02-30')
    await refused('mobile', '12')
    await refused('site', 'javascript:alert(1)')
    await refused('langs', ['de'])
    await refused('plan', '')
    ;(await put('nope', 'x')).assertStatus(404)

    ;(await put('seats', '')).assertStatus(200)
    await contact.refresh()
    assert.notProperty(contact.attributes, 'seats', 'emptied: the value is removed')

    const events = await ContactEvent.query().where('contact_id', contact.id).where('kind', 'field').orderBy('id')
    const plans = events.filter((event) => event.data.kind === 'field' && event.data.field === 'cf.plan')
    assert.deepEqual(plans.map((event) => event.data.kind === 'field' && [event.data.from, event.data.to]), [['free', 'pro']])
    assert.equal(plans[0].actorId, user.id)
    assert.lengthOf(events, 7, 'six set, one cleared; refusals record nothing')
    const card = (await client.get(`${base}/contacts/${contact.id}`).loginAs(user)).text()
    assert.include(card, 'Ada Agent changed Plan: free → pro')
    assert.include(card, 'Ada Agent changed Seats: 12 → —')

    const updates = of(contact.id).filter((event) => event.hook === 'contact.updated')
    assert.lengthOf(updates, 7)
    assert.deepEqual(updates.at(-1)!.payload.changes, [{ field: 'cf.seats', from: 12, to: null }])
  })

  test('profile: name, e-mail and owner (a member); changes recorded and announced', async ({ client, assert }) => {
    const { user, base, workspace, owner } = await crmWorkspace('admin')
    const contact = await contactIn(workspace, { name: 'Old Name' })
    const stranger = (await crmWorkspace()).user
    const put = (form: Record<string, unknown>) => client.put(`${base}/contacts/${contact.id}`).form(form).header('hx-request', 'true').loginAs(user).withCsrfToken()

    const saved = await put({ name: 'New Name', email: 'New@Example.com', ownerId: owner.id })
    saved.assertStatus(200)
    assert.include(saved.text(), 'New Name')
    assert.include(saved.text(), `<dd data-contact-owner>${owner.fullName}</dd>`, 'the answer names the new owner')
    assert.include(saved.text(), `<option value="${owner.id}" selected>`, 'and offers the members to pick from')
    await contact.refresh()
    assert.equal(contact.email, 'new@example.com')
    assert.equal(contact.ownerId, owner.id)
    assert.deepEqual(of(contact.id).at(-1)!.payload.changes.map((change: { field: string }) => change.field), ['name', 'email', 'owner'])

    assert.equal((await put({ name: 'X', email: 'not-an-email', ownerId: '' })).body().errors[0].field, 'email')
    const foreignOwner = await put({ name: 'X', email: '', ownerId: stranger.id })
    foreignOwner.assertStatus(422)
    assert.equal(foreignOwner.body().errors[0].field, 'ownerId')

    const before = await ContactEvent.query().where('contact_id', contact.id).count('* as n')
    await put({ name: 'New Name', email: 'new@example.com', ownerId: owner.id })
    const after = await ContactEvent.query().where('contact_id', contact.id).count('* as n')
    assert.equal(after[0].$extras.n, before[0].$extras.n, 'saving without a change records nothing')
  })

  test('tags added and removed from the card, on the timeline and announced; another workspace’s tag is refused', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const vip = await tagIn(workspace, 'VIP')
    const foreign = await tagIn((await crmWorkspace()).workspace, 'Theirs')
    const contact = await contactIn(workspace)
    const url = `${base}/contacts/${contact.id}/tags`

    const added = await client.post(url).form({ tagId: vip.id }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    added.assertStatus(200)
    assert.include(added.text(), 'data-tag="VIP"')
    await client.post(url).form({ tagId: vip.id }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    ;(await client.post(url).form({ tagId: foreign.id }).header('hx-request', 'true').loginAs(user).withCsrfToken()).assertStatus(422)
    const removed = await client.delete(`${url}/${vip.id}`).header('hx-request', 'true').loginAs(user).withCsrfToken()
    assert.notInclude(removed.text(), 'data-tag="VIP"')

    assert.deepEqual(of(contact.id).map((event) => [event.hook, event.payload.tag, event.payload.added]), [
      ['contact.tagged', 'VIP', true],
      ['contact.tagged', 'VIP', false],
    ], 'tagging twice is one change')
    const card = (await client.get(`${base}/contacts/${contact.id}`).loginAs(user)).text()
    assert.include(card, 'added the tag VIP')
    assert.include(card, 'removed the tag VIP')
  })

  test('consent changed on the card with its source and time; notes on the timeline', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const contact = await contactIn(workspace, { optInStatus: 'opted_in' })
    const consent = await client.post(`${base}/contacts/${contact.id}/consent`).form({ status: 'opted_out', source: 'Phone call' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    consent.assertStatus(200)
    assert.include(consent.text(), 'data-consent="opted_out"')
    assert.include(consent.text(), 'Phone call')
    await contact.refresh()
    assert.equal(contact.optInStatus, 'opted_out')
    assert.equal(contact.optInSource, 'Phone call')
    assert.isNotNull(contact.optInAt)
    ;(await client.post(`${base}/contacts/${contact.id}/consent`).form({ status: 'maybe' }).header('hx-request', 'true').loginAs(user).withCsrfToken()).assertStatus(422)

    const note = await client.post(`${base}/contacts/${contact.id}/notes`).form({ body: 'Prefers <calls> after 6pm' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    note.assertStatus(200)
    assert.include(note.text(), 'Prefers &lt;calls&gt; after 6pm')
    assert.include(note.text(), 'set consent to Opted out (was Opted in)')
    ;(await client.post(`${base}/contacts/${contact.id}/notes`).form({ body: ' ' }).header('hx-request', 'true').loginAs(user).withCsrfToken()).assertStatus(422)
  })

  test('the timeline pages back in time', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const contact = await contactIn(workspace)
    const start = Date.now() - 3600_000
    await ContactEvent.createMany(
      Array.from({ length: 45 }, (_, i) => ({
        workspaceId: workspace.id,
        contactId: contact.id,
        actorId: null,
        kind: 'consent' as const,
        data: { kind: 'consent' as const, from: 'unknown', to: 'opted_in', source: `source ${i}` },
        createdAt: DateTime.fromMillis(start + i * 1000),
      }))
    )
    const card = (await client.get(`${base}/contacts/${contact.id}`).loginAs(user)).text()
    assert.lengthOf([...card.matchAll(/data-timeline="consent"/g)], 30)
    const older = card.match(/hx-get="([^"]+\/timeline\?before=[^"]+)"/)![1]
    const rest = (await client.get(older).header('hx-request', 'true').loginAs(user)).text()
    assert.lengthOf([...rest.matchAll(/data-timeline="consent"/g)], 15)
    assert.include(rest, 'source 0')
    assert.notInclude(rest, 'source 15')
  })

  test('viewers read but may not edit (403); another workspace’s contact is 404', async ({ client }) => {
    const { user, base, workspace } = await crmWorkspace('viewer')
    const contact = await contactIn(workspace)
    const theirs = await contactIn((await crmWorkspace()).workspace)
    ;(await client.get(`${base}/contacts/${contact.id}`).loginAs(user)).assertStatus(200)
    ;(await client.post(`${base}/contacts/${contact.id}/notes`).form({ body: 'x' }).loginAs(user).withCsrfToken()).assertStatus(403)
    ;(await client.get(`${base}/contacts/${theirs.id}`).loginAs(user)).assertStatus(404)
    ;(await client.get(`${base}/contacts/${theirs.id}/timeline`).loginAs(user)).assertStatus(404)
  })

  test('the compact card sits in the inbox’s contact sidebar where the CRM is on', async ({ client, assert }) => {
    const { workspace, user, channel } = await inboxWorkspace()
    await fieldIn(workspace, { key: 'plan', label: 'Plan', type: 'text' })
    const { contact, conversation } = await conversationIn(channel, { name: 'Anna' })
    await CrmContact.query().where('id', contact.id).update({ attributes: { plan: 'Gold' } })
    await tagged(await CrmContact.findOrFail(contact.id), await tagIn(workspace, 'VIP'))
    const url = `/w/${workspace.slug}/inbox/conversations/${conversation.id}`

    assert.notInclude((await client.get(url).loginAs(user)).text(), 'crm-sidebar-card', 'the CRM is off')
    await pluginEnablement.enable(workspace, 'crm', user.id)
    const html = (await client.get(url).loginAs(user)).text()
    assert.include(html, 'data-testid="crm-sidebar-card"')
    assert.include(html, 'data-tag="VIP"')
    assert.match(html, /data-field="plan"[\s\S]*?Gold/)
    assert.include(html, `href="/w/${workspace.slug}/crm/contacts/${contact.id}"`)
  })
})
