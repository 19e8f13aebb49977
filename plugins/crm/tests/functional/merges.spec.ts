import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import { pluginEnablement } from '#plugins/enablement'
import { addMember } from '#database/factories/index'
import ContactEvent from '#crm/models/contact_event'
import CrmContact from '#crm/models/crm_contact'
import Note from '#crm/models/note'
import { conversationIn, inboxWorkspace } from '#inbox/tests/support'
import { contactIn, crmWorkspace, fieldIn, tagIn, tagged } from '#crm/tests/support'

const merged: any[] = []
hooks.tap('contact.merged', { plugin: 'core' }, (payload) => void merged.push(payload))

const count = async (table: string, where: Record<string, unknown>) => Number((await db.from(table).where(where).count('* as n'))[0].n)

test.group('CRM: duplicates and merging', (group) => {
  group.each.setup(() => {
    merged.length = 0
    return testUtils.db().withGlobalTransaction()
  })

  test('suggests contacts with the same e-mail (any case) or the same phone digits, in this workspace only', async ({ client, assert }) => {
    const { workspace, user, base } = await crmWorkspace('agent')
    const anna = await contactIn(workspace, { name: 'Anna', email: 'anna@example.com' })
    const annaToo = await contactIn(workspace, { name: 'Anna W', email: 'ANNA@example.com' })
    const boris = await contactIn(workspace, { name: 'Boris', phone: '+79001112233' })
    const borisWritten = await contactIn(workspace, { name: 'Boris (import)', phone: '+7 900 111-22-33' })
    await contactIn(workspace, { name: 'Alone', email: 'alone@example.com' })
    const other = await crmWorkspace()
    await contactIn(other.workspace, { email: 'anna@example.com' })

    const page = await client.get(`${base}/duplicates`).loginAs(user)
    page.assertStatus(200)
    const text = page.text()
    assert.include(text, 'Same e-mail: anna@example.com')
    assert.include(text, 'Same phone: +79001112233')
    assert.include(text, `${base}/contacts/${anna.id}/merge?with=${annaToo.id}`)
    assert.include(text, `${base}/contacts/${boris.id}/merge?with=${borisWritten.id}`)
    assert.notInclude(text, 'Alone')
    assert.lengthOf(text.match(/data-duplicates=/g)!, 2)

    const viewer = await addMember(workspace, 'viewer')
    ;(await client.get(`${base}/duplicates`).loginAs(viewer)).assertStatus(403)
  })

  test('merges: fields chosen per field, conversations, notes, tags and timeline move, the other is removed', async ({ client, assert }) => {
    const { workspace, user, channel } = await inboxWorkspace()
    await pluginEnablement.enable(workspace, 'crm', user.id)
    const base = `/w/${workspace.slug}/crm`
    await fieldIn(workspace, { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] })
    await fieldIn(workspace, { key: 'city', label: 'City', type: 'text', options: [] })
    const vip = await tagIn(workspace, 'VIP')
    const lead = await tagIn(workspace, 'Lead')
    const { contact: a } = await conversationIn(channel, { name: 'Anna', texts: ['Hi'] })
    const { contact: b } = await conversationIn(channel, { name: 'Anna Petrova', texts: ['Hello', 'Price?'] })
    const primary = await CrmContact.findOrFail(a.id)
    const other = await CrmContact.findOrFail(b.id)
    await CrmContact.query().where('id', primary.id).update({ attributes: { plan: 'free' }, conversation_count: 1 })
    await CrmContact.query().where('id', other.id).update({ attributes: { plan: 'pro', city: 'Riga' }, email: 'anna@example.com', conversation_count: 1 })
    await tagged(primary, vip)
    await tagged(other, vip, lead)
    await Note.create({ workspaceId: workspace.id, contactId: other.id, authorId: user.id, body: 'Prefers e-mail' })
    await ContactEvent.create({ workspaceId: workspace.id, contactId: other.id, actorId: user.id, kind: 'consent', data: { kind: 'consent', from: 'unknown', to: 'opted_in', source: 'form' } })
    const messages = await count('messages', { workspace_id: workspace.id })

    const screen = await client.get(`${base}/contacts/${primary.id}/merge`).qs({ with: other.id }).loginAs(user)
    screen.assertStatus(200)
    assert.include(screen.text(), 'name="winners[cf.plan]" value="primary" checked')
    assert.include(screen.text(), 'name="winners[cf.city]" value="other" checked', 'an empty field takes the other’s value by default')

    const response = await client
      .post(`${base}/contacts/${primary.id}/merge`)
      .form({ 'with': String(other.id), 'winners[name]': 'other', 'winners[cf.plan]': 'primary', 'winners[cf.city]': 'other', 'winners[email]': 'other' })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    assert.equal(response.header('location'), `${base}/contacts/${primary.id}`)

    assert.isNull(await CrmContact.find(other.id))
    const kept = await CrmContact.findOrFail(primary.id)
    assert.deepEqual([kept.name, kept.email, kept.phone, kept.attributes, kept.conversationCount], ['Anna Petrova', 'anna@example.com', a.phone, { plan: 'free', city: 'Riga' }, 2])
    assert.equal(await count('conversations', { contact_id: primary.id }), 2)
    assert.equal(await count('messages', { workspace_id: workspace.id }), messages, 'every message kept')
    assert.sameMembers((await db.from('crm_contact_tags').where('contact_id', primary.id).select('tag_id')).map((row) => row.tag_id), [vip.id, lead.id])
    assert.equal(await count('crm_notes', { contact_id: primary.id }), 1)
    const events = await ContactEvent.query().where('contact_id', primary.id).orderBy('id')
    assert.deepEqual(events.map((event) => event.kind), ['consent', 'merge'])
    assert.deepEqual(events[1].data, {
      kind: 'merge',
      from: { id: other.id, name: 'Anna Petrova', phone: b.phone, email: 'anna@example.com' },
      changes: [
        { field: 'name', label: 'name', from: 'Anna', to: 'Anna Petrova' },
        { field: 'email', label: 'email', from: null, to: 'anna@example.com' },
        { field: 'cf.city', label: 'City', from: null, to: 'Riga' },
      ],
    })
    assert.deepEqual(merged, [
      {
        workspaceId: workspace.id,
        contactId: primary.id,
        merged: { id: other.id, name: 'Anna Petrova', phone: b.phone, email: 'anna@example.com' },
        changes: [
          { field: 'name', from: 'Anna', to: 'Anna Petrova' },
          { field: 'email', from: null, to: 'anna@example.com' },
          { field: 'cf.city', from: null, to: 'Riga' },
        ],
        actorId: user.id,
      },
    ])

    const card = await client.get(`${base}/contacts/${primary.id}`).loginAs(user)
    assert.include(card.text(), `merged Anna Petrova (${b.phone}) into this contact`)
  })

  test('another workspace’s contact, the same contact twice, or a viewer: refused', async ({ client }) => {
    const { workspace, user, base } = await crmWorkspace()
    const anna = await contactIn(workspace, { name: 'Anna' })
    const boris = await contactIn(workspace, { name: 'Boris' })
    const other = await crmWorkspace()
    const theirs = await contactIn(other.workspace, { name: 'Theirs' })
    const merge = (id: number, withId: number) => client.post(`${base}/contacts/${id}/merge`).form({ with: String(withId) }).loginAs(user).withCsrfToken().redirects(0)

    ;(await merge(anna.id, theirs.id)).assertStatus(404)
    ;(await merge(theirs.id, anna.id)).assertStatus(404)
    ;(await merge(anna.id, anna.id)).assertStatus(404)
    ;(await client.get(`${base}/contacts/${anna.id}/merge`).qs({ with: theirs.id }).loginAs(user)).assertStatus(404)
    ;(await client.post(`${base}/contacts/${anna.id}/merge`).form({ with: 'x' }).header('accept', 'application/json').loginAs(user).withCsrfToken()).assertStatus(422)
    const viewer = await addMember(workspace, 'viewer')
    ;(await client.post(`${base}/contacts/${anna.id}/merge`).form({ with: String(boris.id) }).loginAs(viewer).withCsrfToken().redirects(0)).assertStatus(403)
    ;(await merge(anna.id, boris.id)).assertStatus(302)
  })
})
