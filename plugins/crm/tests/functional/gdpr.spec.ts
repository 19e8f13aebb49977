import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import drive from '@adonisjs/drive/services/main'
import { hooks } from '#hooks/bus'
import { pluginEnablement } from '#plugins/enablement'
import { addMember } from '#database/factories/index'
import AuditLog from '#audit/audit_log'
import Message from '#messaging/models/message'
import Conversation from '#messaging/models/conversation'
import { storeMedia } from '#messaging/services/media_store'
import ContactEvent from '#crm/models/contact_event'
import CrmContact from '#crm/models/crm_contact'
import Note from '#crm/models/note'
import { conversationIn, inboxWorkspace, messageIn } from '#inbox/tests/support'
import { crmWorkspace, contactIn, fieldIn, tagIn, tagged } from '#crm/tests/support'
import BotSession from '#bots/models/bot_session'
import { customerSays, dropQueuedJobs, liveFlow } from '#bots/tests/support'

const erased: any[] = []
hooks.tap('contact.erased', { plugin: 'core' }, (payload) => void erased.push(payload))

/** A contact with a conversation, a photo (whose file another contact's message shares), a note, a tag, a custom value and a consent change. */
async function knownContact() {
  const { workspace, user, channel } = await inboxWorkspace()
  await pluginEnablement.enable(workspace, 'crm', user.id)
  await fieldIn(workspace, { key: 'plan', label: 'Plan', type: 'text', options: [] })
  const { contact, conversation } = await conversationIn(channel, { name: 'Anna Petrova', texts: ['Hi, my address is 1 Main St'] })
  await CrmContact.query().where('id', contact.id).update({ email: 'anna@example.com', attributes: { plan: 'pro' } })
  const photo = await messageIn(conversation, { type: 'image', content: { caption: 'my passport' } } as any)
  const bytes = Buffer.from(`photo of ${contact.id}`)
  const media = await storeMedia({ workspaceId: workspace.id, messageId: photo.id, bytes, mime: 'image/jpeg', filename: 'passport.jpg' })
  const shared = await storeMedia({ workspaceId: workspace.id, messageId: photo.id, bytes: Buffer.from('a campaign banner'), mime: 'image/png', filename: 'banner.png' })
  const { conversation: elsewhere } = await conversationIn(channel, { name: 'Boris', texts: ['Hello'] })
  const bannerToo = await messageIn(elsewhere, { direction: 'outbound', type: 'image', content: {} } as any)
  await storeMedia({ workspaceId: workspace.id, messageId: bannerToo.id, bytes: Buffer.from('a campaign banner'), mime: 'image/png', filename: 'banner.png' })
  const vip = await tagIn(workspace, 'VIP')
  await tagged(await CrmContact.findOrFail(contact.id), vip)
  await Note.create({ workspaceId: workspace.id, contactId: contact.id, authorId: user.id, body: 'Lives near the office' })
  await ContactEvent.create({ workspaceId: workspace.id, contactId: contact.id, actorId: user.id, kind: 'consent', data: { kind: 'consent', from: 'unknown', to: 'opted_in', source: 'web form' } })
  return { workspace, user, contact, conversation, media, shared, base: `/w/${workspace.slug}/crm` }
}

test.group('CRM: GDPR access and erasure', (group) => {
  group.each.setup(() => {
    erased.length = 0
    return testUtils.db().withGlobalTransaction()
  })
  group.each.setup(() => dropQueuedJobs)

  test('downloads everything known about a contact as JSON, recorded in the audit log', async ({ client, assert }) => {
    const { workspace, user, contact, base } = await knownContact()
    const response = await client.get(`${base}/contacts/${contact.id}/gdpr`).loginAs(user)
    response.assertStatus(200)
    assert.include(response.header('content-disposition'), `contact-${contact.id}.json`)
    const dossier = JSON.parse(response.text())
    assert.deepInclude(dossier.profile, { id: contact.id, name: 'Anna Petrova', phone: contact.phone, email: 'anna@example.com' })
    assert.deepEqual(dossier.customFields, { Plan: 'pro' })
    assert.deepEqual(dossier.tags, ['VIP'])
    assert.deepEqual(dossier.consent.history.map((entry: any) => [entry.from, entry.to, entry.source]), [['unknown', 'opted_in', 'web form']])
    assert.deepEqual(dossier.notes.map((note: any) => note.body), ['Lives near the office'])
    assert.lengthOf(dossier.conversations, 1)
    const messages = dossier.conversations[0].messages
    assert.deepEqual(messages[0].content, { body: 'Hi, my address is 1 Main St' })
    assert.sameMembers(messages[1].media.map((item: any) => item.filename), ['passport.jpg', 'banner.png'])
    assert.deepEqual(dossier.timeline.map((entry: any) => entry.kind), ['consent'])
    const audit = await AuditLog.query().where('workspace_id', workspace.id).where('action', 'contact.exported').firstOrFail()
    assert.deepInclude(audit.meta, { contactId: contact.id })
  })

  test('erases: messages redacted but kept, own media files deleted, PII, notes, tags and timeline gone; audited and announced', async ({ client, assert }) => {
    const { workspace, user, contact, conversation, media, shared, base } = await knownContact()
    const messageCount = await Message.query().where('conversation_id', conversation.id).count('* as n').then(([row]) => Number(row.$extras.n))

    const response = await client.post(`${base}/contacts/${contact.id}/gdpr/erase`).loginAs(user).withCsrfToken().redirects(0)
    response.assertStatus(302)

    const messages = await Message.query().where('conversation_id', conversation.id)
    assert.lengthOf(messages, messageCount, 'the rows stay')
    assert.deepEqual(messages.map((message) => message.content), messages.map(() => ({ redacted: true, body: '[redacted]' })))
    assert.equal(await db.from('media').whereIn('id', [media.id, shared.id]).count('* as n').then(([row]) => Number(row.n)), 0)
    assert.isFalse(await drive.use().exists(media.path), 'its own file is deleted')
    assert.isTrue(await drive.use().exists(shared.path), 'a file another message uses stays')

    const after = await CrmContact.findOrFail(contact.id)
    assert.deepEqual([after.name, after.profileName, after.email, after.phone, after.waId, after.attributes, after.optInStatus], [null, null, null, `erased:${contact.id}`, null, {}, 'unknown'])
    for (const table of ['crm_notes', 'crm_contact_tags']) assert.equal(await db.from(table).where('contact_id', contact.id).count('* as n').then(([row]) => Number(row.n)), 0, table)
    assert.deepEqual((await ContactEvent.query().where('contact_id', contact.id)).map((event) => event.kind), ['erased'])

    const audit = await AuditLog.query().where('workspace_id', workspace.id).where('action', 'contact.erased').firstOrFail()
    assert.deepInclude(audit.meta, { contactId: contact.id, messagesRedacted: messageCount, filesDeleted: 1 })
    assert.notInclude(JSON.stringify(audit.meta), 'Anna', 'the audit log holds no personal data')
    assert.deepEqual(erased, [{ workspaceId: workspace.id, contactId: contact.id, actorId: user.id }])

    const card = await client.get(`${base}/contacts/${contact.id}`).loginAs(user)
    assert.include(card.text(), 'erased this contact’s personal data')
    assert.notInclude(card.text(), 'Anna')
  })

  test('the erasure reaches the inbox’s notes and the bots’ session variables (their own taps), not another contact’s', async ({ client, assert }) => {
    const { workspace, user, contact, conversation, base } = await knownContact()
    await pluginEnablement.enable(workspace, 'bots', user.id)
    const boris = await Conversation.query().where('workspace_id', workspace.id).whereNot('contact_id', contact.id).firstOrFail()
    await liveFlow(workspace.id, [
      { id: 'city', type: 'question', data: { text: 'Your city?', kind: 'text', saveTo: 'vars.city', next: 'size' } },
      { id: 'size', type: 'question', data: { text: 'Your size?', kind: 'text', saveTo: 'vars.size', next: 'done' } },
      { id: 'done', type: 'end', data: {} },
    ])
    const inbox = `/w/${workspace.slug}/inbox/conversations`
    for (const [chat, city] of [[conversation, 'Tbilisi'], [boris, 'Yerevan']] as const) {
      await customerSays(chat, 'hi')
      await customerSays(chat, city)
      ;(await client.post(`${inbox}/${chat.id}/notes`).form({ body: `Moved to ${city}, flat 12` }).loginAs(user).withCsrfToken().redirects(0)).assertStatus(302)
    }
    const variablesOf = async (chat: Conversation) => (await BotSession.query().where('conversation_id', chat.id).firstOrFail()).variables
    assert.deepEqual(await variablesOf(conversation), { city: 'Tbilisi' })

    ;(await client.post(`${base}/contacts/${contact.id}/gdpr/erase`).loginAs(user).withCsrfToken().redirects(0)).assertStatus(302)

    const page = await client.get(`${inbox}/${conversation.id}`).loginAs(user)
    page.assertStatus(200)
    assert.notInclude(page.text(), 'Tbilisi')
    assert.include(page.text(), '[redacted]')
    assert.deepEqual(await variablesOf(conversation), {})
    assert.isTrue(await AuditLog.query().where('workspace_id', workspace.id).where('action', 'contact.erased').whereRaw(`meta->>'contactId' = ?`, [String(contact.id)]).first().then(Boolean))

    const untouched = await client.get(`${inbox}/${boris.id}`).loginAs(user)
    assert.include(untouched.text(), 'Moved to Yerevan, flat 12')
    assert.deepEqual(await variablesOf(boris), { city: 'Yerevan' })
  })

  test('needs crm.gdpr; another workspace’s contact is not found', async ({ client }) => {
    const { workspace, user, base } = await crmWorkspace()
    const anna = await contactIn(workspace, { name: 'Anna' })
    const agent = await addMember(workspace, 'agent')
    ;(await client.get(`${base}/contacts/${anna.id}/gdpr`).loginAs(agent)).assertStatus(403)
    ;(await client.post(`${base}/contacts/${anna.id}/gdpr/erase`).loginAs(agent).withCsrfToken().redirects(0)).assertStatus(403)
    const other = await crmWorkspace()
    ;(await client.get(`${other.base}/contacts/${anna.id}/gdpr`).loginAs(other.user)).assertStatus(404)
    ;(await client.post(`${other.base}/contacts/${anna.id}/gdpr/erase`).loginAs(other.user).withCsrfToken().redirects(0)).assertStatus(404)
    ;(await client.get(`${base}/contacts/${anna.id}/gdpr`).loginAs(user)).assertStatus(200)
  })
})
