import { test } from '@japa/runner'
import { parse } from 'csv-parse/sync'
import drive from '@adonisjs/drive/services/main'
import { addMember } from '#database/factories/index'
import ContactExport from '#crm/models/contact_export'
import ContactImport from '#crm/models/contact_import'
import CrmContact from '#crm/models/crm_contact'
import Segment from '#crm/models/segment'
import { readImportFile } from '#crm/services/import_file'
import { contactIn, crmWorkspace, fieldIn, onWorker, tagIn, tagged, untilFinished } from '#crm/tests/support'

const rowsOf = async (file: Buffer) => {
  const rows: string[][] = []
  const parsed = await readImportFile(file)
  for await (const row of parsed.rows()) rows.push(row)
  return { headers: parsed.headers, rows }
}

test.group('CRM: export', (group) => {
  onWorker(group)

  test('a filtered list exports to CSV (UTF-8 with a BOM) with its tags and custom fields, and imports back the same', async ({ client, assert }) => {
    // A value with a comma, quotes and a line break: quoted in the file, the same after the round trip.
    const city = 'Москва, "Сити"\nБашня 1'
    const { user, base, workspace } = await crmWorkspace()
    await fieldIn(workspace, { key: 'city', label: 'Город', type: 'text', options: [], required: false })
    const vip = await tagIn(workspace, 'VIP')
    await tagged(await contactIn(workspace, { name: 'Анна Петрова', phone: '+79001112201', email: 'anna@example.ru', attributes: { city } }), vip)
    await tagged(await contactIn(workspace, { name: 'Борис', phone: '+79001112202' }), vip)
    await contactIn(workspace, { name: 'Not exported', phone: '+79001112203' })
    const filter = JSON.stringify({ match: 'all', rules: [{ field: 'tags', op: 'has_any', value: [vip.id] }] })

    const started = await client.post(`${base}/exports`).form({ format: 'csv', filter }).loginAs(user).withCsrfToken().redirects(0)
    started.assertStatus(302)
    const id = Number(started.header('location')!.split('/').pop())
    const done = await untilFinished(() => ContactExport.findOrFail(id))
    assert.deepEqual([done.status, done.total, done.processed], ['done', 2, 2])
    const page = await client.get(`${base}/exports/${id}`).loginAs(user)
    assert.include(page.text(), `${base}/exports/${id}/download`)

    const download = await client.get(`${base}/exports/${id}/download`).loginAs(user)
    download.assertStatus(200)
    assert.include(download.header('content-disposition'), `contacts-`)
    const bytes = Buffer.from(download.text(), 'utf8')
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM, for Excel')
    const records = parse(download.text().replace(/^\ufeff/, '')) as string[][]
    assert.deepEqual(records[0], ['Name', 'Phone', 'E-mail', 'Consent', 'Tags', 'Owner', 'Conversations', 'Created', 'Last seen', 'Город'])
    assert.deepEqual(records.slice(1).map((row) => [row[0], row[1], row[2], row[4], row[9]]), [
      ['Анна Петрова', '+79001112201', 'anna@example.ru', 'VIP', city],
      ['Борис', '+79001112202', '', 'VIP', ''],
    ])

    // The round trip: the file imports into another workspace as the same contacts.
    const other = await crmWorkspace()
    await fieldIn(other.workspace, { key: 'city', label: 'Город', type: 'text', options: [], required: false })
    const uploaded = await client.post(`${other.base}/imports`).file('file', bytes, { filename: 'export.csv' }).loginAs(other.user).withCsrfToken().redirects(0)
    const draft = await ContactImport.findOrFail(Number(uploaded.header('location')!.split('/').pop()))
    assert.deepEqual(draft.options.mapping, ['name', 'phone', 'email', '', 'tags', '', '', '', '', 'cf.city'])
    const mapping = Object.fromEntries(draft.options.mapping!.map((target, index) => [`mapping[${index}]`, target]))
    await client.post(`${other.base}/imports/${draft.id}/start`).form({ ...mapping, policy: 'update' }).loginAs(other.user).withCsrfToken().redirects(0)
    assert.equal((await untilFinished(() => ContactImport.findOrFail(draft.id))).status, 'done')
    const copies = await CrmContact.query().where('workspace_id', other.workspace.id).orderBy('phone')
    assert.deepEqual(copies.map((c) => [c.name, c.phone, c.email, c.attributes.city ?? null]), [
      ['Анна Петрова', '+79001112201', 'anna@example.ru', city],
      ['Борис', '+79001112202', null, null],
    ])
  })

  test('a segment exports to .xlsx, from the list (HTMX) straight to its page', async ({ client, assert }) => {
    const { user, base, workspace } = await crmWorkspace()
    const segment = await Segment.create({ workspaceId: workspace.id, name: 'Annas', filter: { match: 'all', rules: [{ field: 'name', op: 'contains', value: 'anna' }] } as any, createdById: user.id })
    for (let i = 0; i < 3; i++) await contactIn(workspace, { name: `Anna ${i}` })
    await contactIn(workspace, { name: 'Boris' })

    const started = await client.post(`${base}/exports`).form({ format: 'xlsx', segment: String(segment.id), sort: 'name' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    started.assertStatus(204)
    const id = Number(started.header('hx-redirect')!.split('/').pop())
    const done = await untilFinished(() => ContactExport.findOrFail(id))
    assert.equal(done.status, 'done')
    const download = await client.get(`${base}/exports/${id}/download`).loginAs(user)
    download.assertStatus(200)
    assert.include(download.header('content-type'), 'spreadsheetml')
    const { headers, rows } = await rowsOf(Buffer.from(await drive.use().getBytes(done.path!)))
    assert.equal(headers[0], 'Name')
    assert.sameMembers(rows.map((row) => row[0]), ['Anna 0', 'Anna 1', 'Anna 2'])
  })

  test('exports need crm.export; a filter that does not fit is a 422; another workspace’s export is not found', async ({ client }) => {
    const { user, base, workspace } = await crmWorkspace()
    const agent = await addMember(workspace, 'agent')
    ;(await client.post(`${base}/exports`).form({ format: 'csv' }).loginAs(agent).withCsrfToken().redirects(0)).assertStatus(403)
    const bad = await client.post(`${base}/exports`).form({ format: 'csv', filter: JSON.stringify({ match: 'all', rules: [{ field: 'tags', op: 'has_any', value: [999999] }] }) }).header('accept', 'application/json').loginAs(user).withCsrfToken()
    bad.assertStatus(422)
    const wrongFormat = await client.post(`${base}/exports`).form({ format: 'pdf' }).header('accept', 'application/json').loginAs(user).withCsrfToken()
    wrongFormat.assertStatus(422)

    const started = await client.post(`${base}/exports`).form({ format: 'csv' }).loginAs(user).withCsrfToken().redirects(0)
    const id = Number(started.header('location')!.split('/').pop())
    await untilFinished(() => ContactExport.findOrFail(id))
    const other = await crmWorkspace()
    ;(await client.get(`${other.base}/exports/${id}`).loginAs(other.user)).assertStatus(404)
    ;(await client.get(`${other.base}/exports/${id}/download`).loginAs(other.user)).assertStatus(404)
  })
})
