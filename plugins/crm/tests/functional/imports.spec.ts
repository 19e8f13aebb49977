import { readFile } from 'node:fs/promises'
import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import drive from '@adonisjs/drive/services/main'
import db from '@adonisjs/lucid/services/db'
import { parse } from 'csv-parse/sync'
import { hooks } from '#hooks/bus'
import { addMember } from '#database/factories/index'
import type User from '#auth/models/user'
import ContactImport from '#crm/models/contact_import'
import CrmContact from '#crm/models/crm_contact'
import { contactIn, crmWorkspace, fieldIn, onWorker, tagIn, untilFinished } from '#crm/tests/support'

// Taps stay for the run (the bus cannot remove them): each test reads what its own import announced.
const announced: { hook: string; payload: any }[] = []
hooks.tap('contact.created', { plugin: 'core' }, (payload) => void announced.push({ hook: 'contact.created', payload }))
hooks.tap('contact.updated', { plugin: 'core' }, (payload) => void announced.push({ hook: 'contact.updated', payload }))
const announcedOf = (hook: string) => announced.filter((entry) => entry.hook === hook).map((entry) => entry.payload)

const fixture = (name: string) => readFile(new URL(`../fixtures/${name}`, import.meta.url))

/** Uploads a fixture (or a file made by the test); answers the response (a redirect to the mapping screen when the file reads). */
async function upload(client: ApiClient, base: string, user: User, file: string | { name: string; bytes: Buffer }, headers: Record<string, string> = {}) {
  const { name, bytes } = typeof file === 'string' ? { name: file, bytes: await fixture(file) } : file
  const request = client.post(`${base}/imports`).file('file', bytes, { filename: name }).loginAs(user).withCsrfToken().redirects(0)
  for (const [key, value] of Object.entries(headers)) request.header(key, value)
  return request
}

const waitForImport = (id: number) => untilFinished(() => ContactImport.findOrFail(id))

/** Upload, confirm the mapping (the guessed one unless given), and wait for the job. */
async function importFile(client: ApiClient, base: string, user: User, file: string | { name: string; bytes: Buffer }, form: Record<string, string> = {}) {
  const uploaded = await upload(client, base, user, file)
  uploaded.assertStatus(302)
  const id = Number(uploaded.header('location')!.split('/').pop())
  const draft = await ContactImport.findOrFail(id)
  const mapping = Object.fromEntries((draft.options.mapping ?? []).map((target, index) => [`mapping[${index}]`, target]))
  const started = await client.post(`${base}/imports/${id}/start`).form({ policy: 'update', ...mapping, ...form }).loginAs(user).withCsrfToken().redirects(0)
  started.assertStatus(302)
  return waitForImport(id)
}

/** 4,500 rows (three batches of the job): row i has the phone +7900555<i, 4 digits> and two tags; row 4000 a bad phone. */
function bigFile() {
  const lines = ['Name,Phone,Tags']
  for (let i = 1; i <= 4500; i++) lines.push(i === 4000 ? 'Broken,not a phone,' : `Row ${i},+7900555${String(i).padStart(4, '0')},"vip, wave ${i % 2}"`)
  return { name: 'big.csv', bytes: Buffer.from(lines.join('\n')) }
}

const contactsOf = (workspaceId: number) => CrmContact.query().where('workspace_id', workspaceId).orderBy('phone')

async function reportRows(contactImport: ContactImport) {
  const text = Buffer.from(await drive.use().getBytes(contactImport.reportPath!)).toString('utf8')
  return parse(text.replace(/^\ufeff/, ''), { relax_column_count: true }) as string[][]
}

test.group('CRM: import', (group) => {
  onWorker(group, () => (announced.length = 0))

  test('a UTF-8 file with a BOM and Russian headers: mapping guessed, national numbers read in the default country, tags applied', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const known = await tagIn(workspace, 'vip')
    const uploaded = await upload(client, base, user, 'utf8_bom.csv')
    const id = Number(uploaded.header('location')!.split('/').pop())
    const draft = await ContactImport.findOrFail(id)
    assert.deepEqual(draft.headers, ['Имя', 'Телефон', 'Почта', 'Теги'])
    assert.deepEqual(draft.options.mapping, ['name', 'phone', 'email', 'tags'])
    assert.equal(draft.encoding, 'utf-8-bom')
    assert.equal(draft.total, 3)

    // Without a default country the national number is a problem in the preview.
    const page = await client.get(`${base}/imports/${id}`).loginAs(user)
    page.assertStatus(200)
    assert.include(page.text(), '8 (900) 111-22-02&quot; is not a valid phone number')
    const preview = await client.post(`${base}/imports/${id}/preview`).form({ 'mapping[0]': 'name', 'mapping[1]': 'phone', 'mapping[2]': 'email', 'mapping[3]': 'tags', policy: 'update', country: 'RU' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    assert.notInclude(preview.text(), 'not a valid phone number')

    // The list seen before the import keeps the workspace's tags for a while: the import's new tag must reach it.
    ;(await client.get(`${base}/contacts`).loginAs(user)).assertStatus(200)
    const started = await client.post(`${base}/imports/${id}/start`).form({ 'mapping[0]': 'name', 'mapping[1]': 'phone', 'mapping[2]': 'email', 'mapping[3]': 'tags', policy: 'update', country: 'RU' }).loginAs(user).withCsrfToken().redirects(0)
    started.assertStatus(302)
    const done = await waitForImport(id)
    assert.equal(done.status, 'done')
    assert.equal(done.createdCount, 3)
    const contacts = await contactsOf(workspace.id)
    assert.deepEqual(contacts.map((c) => [c.name, c.phone, c.email]), [
      ['Анна Петрова', '+79001112201', 'anna@example.ru'],
      ['Борис Иванов', '+79001112202', null],
      ['Вера Сидорова', '+79001112203', 'vera@example.ru'],
    ])
    assert.sameMembers(announcedOf('contact.created').map((event) => event.contactId), contacts.map((c) => c.id))
    assert.deepEqual([...new Set(announcedOf('contact.created').map((event) => event.source))], ['import'])
    const tags = await db.from('crm_contact_tags as ct').join('crm_tags as t', 't.id', 'ct.tag_id').where('ct.workspace_id', workspace.id).select('t.id', 't.name', 'ct.contact_id')
    assert.equal(tags.filter((tag) => tag.id === known.id).length, 2, 'the existing tag matched whatever its case')
    const created = tags.filter((tag) => tag.name === 'опт')
    assert.equal(created.length, 1, 'a new tag named in the file is created')
    const filter = JSON.stringify({ match: 'all', rules: [{ field: 'tags', op: 'has_any', value: [created[0].id] }] })
    const listed = await client.get(`${base}/contacts?filter=${encodeURIComponent(filter)}`).header('hx-request', 'true').loginAs(user)
    listed.assertStatus(200)
    assert.include(listed.text(), `data-contact="${created[0].contact_id}"`, 'the list filters by the new tag at once')
    // Finished: the page shows the counts; the same import cannot start twice.
    const result = await client.get(`${base}/imports/${id}`).loginAs(user)
    assert.include(result.text(), '3 created')
    const again = await client.post(`${base}/imports/${id}/start`).form({ 'mapping[1]': 'phone', policy: 'update' }).header('accept', 'application/json').loginAs(user).withCsrfToken()
    again.assertStatus(422)
  })

  test('UTF-16 (LE and BE, with BOMs), Windows-1251 with semicolons, quoted newlines and .xlsx are all read', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    await fieldIn(workspace, { key: 'plan', label: 'Тариф', type: 'select', options: ['basic', 'pro'], required: false })
    await fieldIn(workspace, { key: 'renewal', label: 'Продление', type: 'date', options: [], required: false })
    await fieldIn(workspace, { key: 'city', label: 'Город', type: 'text', options: [], required: false })

    const le = await importFile(client, base, user, 'utf16le.txt')
    assert.equal(le.encoding, 'utf-16le')
    assert.equal(le.delimiter, '\t')
    const be = await importFile(client, base, user, 'utf16be.csv')
    assert.equal(be.encoding, 'utf-16be')
    const cp = await importFile(client, base, user, 'cp1251_semicolon.csv')
    assert.deepEqual([cp.encoding, cp.delimiter], ['windows-1251', ';'])
    assert.deepEqual(cp.headers, ['ФИО', 'Телефон', 'Эл. почта', 'Город'])
    assert.deepEqual(cp.options.mapping, ['name', 'phone', 'email', 'cf.city'])
    const quoted = await importFile(client, base, user, 'quoted_newlines.csv', { 'mapping[2]': 'cf.city' })
    assert.equal(quoted.total, 2)
    const xlsx = await importFile(client, base, user, 'contacts.xlsx', { country: 'RU' })
    assert.equal(xlsx.format, 'xlsx')
    assert.deepEqual(xlsx.options.mapping, ['name', 'phone', 'cf.plan', 'cf.renewal'])

    for (const done of [le, be, cp, quoted, xlsx]) assert.deepEqual([done.status, done.failedCount], ['done', 0], done.filename)
    const byPhone = new Map((await contactsOf(workspace.id)).map((c) => [c.phone, c]))
    assert.equal(byPhone.get('+79001112211')?.name, 'Галина Орлова')
    assert.equal(byPhone.get('+447700900212')?.name, 'Denis Smith')
    assert.equal(byPhone.get('+79001112221')?.name, 'Ёлка Зимняя')
    assert.equal(byPhone.get('+79001112232')?.attributes.city, 'Санкт-Петербург')
    assert.equal(byPhone.get('+79001112241')?.name, 'Жанна "Ж" Новикова')
    assert.equal(byPhone.get('+79001112241')?.attributes.city, 'Казань,\nул. Баумана, 1')
    assert.deepEqual(byPhone.get('+79001112281')?.attributes, { plan: 'pro', renewal: '2025-03-01' })
    assert.deepEqual(byPhone.get('+79001112282')?.attributes, { plan: 'basic', renewal: '2025-04-15' })
  })

  test('bad phones, bad e-mails, empty phones and duplicates in the file go to the report with their reasons', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const done = await importFile(client, base, user, 'bad_rows.csv', { country: 'RU' })
    assert.deepEqual([done.status, done.createdCount, done.failedCount, done.processed], ['done', 2, 4, 6])
    assert.deepEqual((await contactsOf(workspace.id)).map((c) => c.name), ['Good One', 'Good Two'])

    const rows = await reportRows(done)
    assert.deepEqual(rows[0], ['row', 'reason', 'name', 'phone', 'email'])
    assert.deepEqual(rows.slice(1).map((row) => [row[0], row[2]]), [['3', 'Bad Phone'], ['4', 'Bad Email'], ['5', 'No Phone'], ['6', 'Twin']])
    assert.include(rows[1][1], '"12345" is not a valid phone number')
    assert.include(rows[2][1], '"not-an-email" is not a valid e-mail address')
    assert.include(rows[3][1], 'No phone number')
    assert.include(rows[4][1], 'as row 2 of this file')

    const download = await client.get(`${base}/imports/${done.id}/report`).loginAs(user)
    download.assertStatus(200)
    assert.include(download.header('content-disposition'), 'attachment')
    assert.include(download.text(), 'Bad Phone')
  })

  test('known phones under each policy: update changes them (timeline, contact.updated), skip leaves them, create reports them', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const anna = await contactIn(workspace, { name: 'Old Anna', phone: '+79001112201', email: 'old@example.ru' })

    const skipped = await importFile(client, base, user, 'utf8_bom.csv', { policy: 'skip', country: 'RU' })
    assert.deepEqual([skipped.createdCount, skipped.skippedCount, skipped.updatedCount], [2, 1, 0])
    await anna.refresh()
    assert.equal(anna.name, 'Old Anna')

    const created = await importFile(client, base, user, 'utf8_bom.csv', { policy: 'create', country: 'RU' })
    assert.deepEqual([created.createdCount, created.failedCount], [0, 3])
    assert.include((await reportRows(created))[1][1], 'already exists')

    const updated = await importFile(client, base, user, 'utf8_bom.csv', { policy: 'update', country: 'RU' })
    assert.deepEqual([updated.createdCount, updated.updatedCount], [0, 1], 'only Anna differs from the file')
    await anna.refresh()
    assert.deepEqual([anna.name, anna.email], ['Анна Петрова', 'anna@example.ru'])
    assert.deepEqual(announcedOf('contact.updated').map((event) => event.changes), [[{ field: 'name', from: 'Old Anna', to: 'Анна Петрова' }, { field: 'email', from: 'old@example.ru', to: 'anna@example.ru' }]])
    // One timeline event per contact and import, with both changes.
    const events = await db.from('crm_contact_events').where('contact_id', anna.id)
    assert.deepEqual(events.map((event) => [event.kind, event.actor_id, event.data.created, event.data.changes.map((change: any) => change.field)]), [['import', user.id, false, ['name', 'email']]])
    const card = await client.get(`${base}/contacts/${anna.id}`).loginAs(user)
    assert.include(card.text(), 'updated this contact from the import of utf8_bom.csv')
    assert.include(card.text(), 'Name: Old Anna → Анна Петрова')
  })

  test('a file of several batches: every row written once, one timeline event per contact, the bad row reported', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const known = await contactIn(workspace, { name: 'Known', phone: '+79005550001' })
    const done = await importFile(client, base, user, bigFile())
    assert.deepEqual([done.status, done.processed, done.createdCount, done.updatedCount, done.failedCount], ['done', 4500, 4498, 1, 1])
    await known.refresh()
    assert.equal(known.name, 'Row 1')

    const count = async (query: any) => Number((await query.count('* as n'))[0].n)
    assert.equal(await count(db.from('contacts').where('workspace_id', workspace.id)), 4499)
    assert.equal(await count(db.from('crm_contact_tags').where('workspace_id', workspace.id)), 4499 * 2)
    const events = await db.from('crm_contact_events').where('workspace_id', workspace.id).select('contact_id', 'kind', 'data')
    assert.lengthOf(events, 4499)
    assert.lengthOf(new Set(events.map((event) => event.contact_id)), 4499)
    const knownEvent = events.find((event) => Number(event.contact_id) === known.id)
    assert.deepEqual([knownEvent.kind, knownEvent.data.created, knownEvent.data.changes.map((change: any) => change.to), knownEvent.data.tags.map((tag: any) => tag.name).sort()], ['import', false, ['Row 1'], ['vip', 'wave 1']])
    assert.deepEqual((await reportRows(done)).slice(1).map((row) => row[0]), ['4001'])
  })

  test('binary, empty, headerless and ragged files are refused with a reason; nothing is kept', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const cases: [string, string][] = [
      ['binary.csv', 'looks like binary data'],
      ['empty.csv', 'The file is empty'],
      ['no_header.csv', 'The first row must name the columns'],
      ['ragged.csv', 'Row 3 has 3 columns where the header has 2'],
    ]
    for (const [name, message] of cases) {
      const refused = await upload(client, base, user, name, { accept: 'application/json' })
      refused.assertStatus(422)
      assert.equal(refused.body().errors[0].field, 'file')
      assert.include(refused.body().errors[0].message, message, name)
    }
    // A plain form goes back to the upload page, which shows the message under the field.
    const plain = await upload(client, base, user, 'binary.csv', { referer: `${base}/imports` })
    plain.assertStatus(302)
    assert.equal((await ContactImport.query().where('workspace_id', workspace.id)).length, 0)
    assert.deepEqual(await contactsOf(workspace.id), [])
  })

  test('an import that fails in the worker says where it stopped and keeps a report; it is not retried', async ({ client, assert }) => {
    const { user, base } = await crmWorkspace()
    const uploaded = await upload(client, base, user, 'utf8_bom.csv')
    const draft = await ContactImport.findOrFail(Number(uploaded.header('location')!.split('/').pop()))
    // The stored file is gone by the time the job runs (storage lost, cleaned up by hand).
    await drive.use().delete(draft.path)
    await client.post(`${base}/imports/${draft.id}/start`).form({ 'mapping[1]': 'phone', policy: 'update' }).loginAs(user).withCsrfToken().redirects(0)
    const failed = await waitForImport(draft.id)
    assert.equal(failed.status, 'failed')
    assert.include(failed.error!, 'The import stopped at row 1')
    const report = await reportRows(failed)
    assert.include(report.at(-1)![1], 'The import stopped at row 1')
    const page = await client.get(`${base}/imports/${draft.id}`).loginAs(user)
    assert.include(page.text(), 'Download the failed rows')
  })

  test('a batch the database refuses stops the import there: the batches before it stay, the one written beside it is rolled back', async ({ client, assert, cleanup }) => {
    const { user, base, workspace } = await crmWorkspace()
    // The database refuses row 2500 (the second batch), as a full disk or a lost connection would.
    await db.rawQuery(`create function crm_test_refuse() returns trigger language plpgsql as $$ begin if new.phone = '+79005552500' then raise exception 'disk full'; end if; return new; end $$`)
    await db.rawQuery('create trigger crm_test_refuse before insert on contacts for each row execute function crm_test_refuse()')
    cleanup(async () => {
      await db.rawQuery('drop trigger crm_test_refuse on contacts')
      await db.rawQuery('drop function crm_test_refuse')
    })
    const failed = await importFile(client, base, user, bigFile())
    assert.equal(failed.status, 'failed')
    assert.include(failed.error!, 'The import stopped at row 2002')
    assert.include(failed.error!, 'disk full')
    assert.deepEqual([failed.processed, failed.createdCount], [2000, 2000])
    const phones = (await contactsOf(workspace.id)).map((contact) => contact.phone)
    assert.deepEqual([phones.length, phones[0], phones.at(-1)], [2000, '+79005550001', '+79005552000'], 'the first batch only')
    assert.equal(Number((await db.from('crm_contact_events').where('workspace_id', workspace.id).count('* as n'))[0].n), 2000)
    assert.include((await reportRows(failed)).at(-1)![1], 'disk full')
  })

  test('imports need crm.import; another workspace’s import is not found', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const agent = await addMember(workspace, 'agent')
    ;(await client.get(`${base}/imports`).loginAs(agent)).assertStatus(403)
    ;(await upload(client, base, agent, 'utf8_bom.csv')).assertStatus(403)
    const mine = await upload(client, base, user, 'utf8_bom.csv')
    const id = mine.header('location')!.split('/').pop()
    const other = await crmWorkspace()
    ;(await client.get(`${other.base}/imports/${id}`).loginAs(other.user)).assertStatus(404)
    ;(await client.get(`${other.base}/imports/${id}/report`).loginAs(other.user)).assertStatus(404)
    const list = await client.get(`${base}/imports`).loginAs(user)
    assert.include(list.text(), 'utf8_bom.csv')
  })
})
