import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { addMember } from '#database/factories/index'
import Media from '#messaging/models/media'
import Message from '#messaging/models/message'
import { until, useSimulatorAndWorkers } from '#messaging/tests/support'
import { conversationIn, customerWrote, inboxWorkspace } from '#inbox/tests/support'

/** Real file signatures: the server goes by a file's bytes, not by its name. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')
const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1')
const MP3 = Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([3, 0, 0, 0, 0, 0, 0]), Buffer.alloc(64)])
const megabytes = (n: number, head: Buffer) => Buffer.concat([head, Buffer.alloc(n * 1024 * 1024 - head.length + 1)])

/** Files from the composer: sent as image, video, audio or document by type, within WhatsApp's limits. */
test.group('Inbox: attachments', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an image goes as an image with its caption, a PDF as a document with its name, an MP3 as audio (no caption); HTMX gets the message', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel, { texts: ['Send me the invoice'] })
    const url = `${base}/conversations/${conversation.id}/attachments`
    const send = (bytes: Buffer, filename: string, contentType: string, caption?: string) => {
      const request = client.post(url).file('file', bytes, { filename, contentType }).header('hx-request', 'true').loginAs(user).withCsrfToken()
      return caption === undefined ? request : request.field('caption', caption)
    }

    const image = await send(PNG, 'receipt.png', 'image/png', '  Your receipt ')
    image.assertStatus(200)
    const sentImage = await Message.query().where('conversation_id', conversation.id).where('type', 'image').firstOrFail()
    assert.equal(sentImage.status, 'queued')
    assert.equal(sentImage.direction, 'outbound')
    assert.equal(sentImage.authorId, String(user.id))
    assert.equal(sentImage.content.caption, 'Your receipt')
    const media = await Media.findOrFail(sentImage.content.mediaId)
    assert.equal(media.workspaceId, conversation.workspaceId)
    assert.equal(media.mime, 'image/png')
    assert.include(image.text(), `id="message-${sentImage.id}"`)
    assert.include(image.text(), 'Your receipt')

    // Of no type by the browser, a PDF by its bytes: a document, named as uploaded.
    ;(await send(PDF, 'invoice 42.pdf', 'application/octet-stream', 'Invoice')).assertStatus(200)
    const document = await Message.query().where('conversation_id', conversation.id).where('type', 'document').firstOrFail()
    assert.deepInclude(document.content, { filename: 'invoice 42.pdf', caption: 'Invoice' })
    assert.equal((await Media.findOrFail(document.content.mediaId)).mime, 'application/pdf')

    ;(await send(MP3, 'voice.mp3', 'audio/mpeg', 'ignored')).assertStatus(200)
    const audio = await Message.query().where('conversation_id', conversation.id).where('type', 'audio').firstOrFail()
    assert.notProperty(audio.content, 'caption')

    const plain = await client.post(url).file('file', PNG, { filename: 'a.png', contentType: 'image/png' }).loginAs(user).withCsrfToken().redirects(0)
    plain.assertStatus(302)
    assert.equal(plain.header('location'), `${base}/conversations/${conversation.id}`)
  })

  test('WhatsApp’s limits: an image over 5 MB is a 422 on the file naming the limit; nothing is stored or queued', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel)
    const url = `${base}/conversations/${conversation.id}/attachments`

    const big = await client.post(url).file('file', megabytes(5, PNG), { filename: 'big.png', contentType: 'image/png' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    big.assertStatus(422)
    assert.equal(big.body().errors[0].field, 'file')
    assert.match(big.body().errors[0].message, /WhatsApp takes images of at most 5 MB; this one is 5 MB/)
    // The same size as a PDF is a document, well within 20 MB.
    ;(await client.post(url).file('file', megabytes(5, PDF), { filename: 'scan.pdf', contentType: 'application/pdf' }).header('hx-request', 'true').loginAs(user).withCsrfToken()).assertStatus(200)

    const missing = await client.post(url).field('caption', 'no file').header('hx-request', 'true').loginAs(user).withCsrfToken()
    missing.assertStatus(422)
    assert.equal(missing.body().errors[0].field, 'file')
    // Counted in this workspace: a file run before may have left rows of its own.
    assert.equal(Number((await db.from('media').where('workspace_id', channel.workspaceId).count('* as n'))[0].n), 1)
    assert.equal(Number((await db.from('messages').where('conversation_id', conversation.id).where('direction', 'outbound').count('* as n'))[0].n), 1)
  })

  test('with the 24-hour window closed a file is refused like a text (422), before it is stored', async ({ client, assert }) => {
    const { user, channel, base } = await inboxWorkspace('agent')
    const { conversation } = await conversationIn(channel, { windowOpen: false })
    const refused = await client.post(`${base}/conversations/${conversation.id}/attachments`).file('file', PNG, { filename: 'a.png', contentType: 'image/png' }).header('hx-request', 'true').loginAs(user).withCsrfToken()
    refused.assertStatus(422)
    assert.include(refused.body().errors[0].message, '24-hour')
    assert.equal(Number((await db.from('media').where('workspace_id', channel.workspaceId).count('* as n'))[0].n), 0)
  })

  test('a viewer may not send files (403); another workspace’s conversation is a 404', async ({ client }) => {
    const { workspace, channel, base } = await inboxWorkspace()
    const { conversation } = await conversationIn(channel)
    const viewer = await addMember(workspace, 'viewer')
    const url = `${base}/conversations/${conversation.id}/attachments`
    ;(await client.post(url).file('file', PNG, { filename: 'a.png', contentType: 'image/png' }).header('hx-request', 'true').loginAs(viewer).withCsrfToken()).assertStatus(403)
    const other = await inboxWorkspace()
    ;(await client.post(`${other.base}/conversations/${conversation.id}/attachments`).file('file', PNG, { filename: 'a.png', contentType: 'image/png' }).header('hx-request', 'true').loginAs(other.user).withCsrfToken()).assertStatus(404)
  })
})

test.group('Inbox: attachments reach WhatsApp', (group) => {
  const rig = useSimulatorAndWorkers(group, { seed: 41, workers: 2 })

  test('an image from the composer is uploaded to the provider and sent by its id, with its caption', async ({ client, assert }) => {
    const { user, phoneNumberId, base, conversation } = await customerWrote(client, rig.simulator)
    const response = await client.post(`${base}/attachments`).file('file', PNG, { filename: 'receipt.png', contentType: 'image/png' }).field('caption', 'Your receipt').header('hx-request', 'true').loginAs(user).withCsrfToken()
    response.assertStatus(200)
    const sent = () => rig.simulator.received(phoneNumberId).filter((request) => request.kind === 'message')
    await until(() => sent().length === 1, 'the image at the simulator')
    assert.equal((sent()[0].body as any).type, 'image')
    assert.equal((sent()[0].body as any).image.caption, 'Your receipt')
    assert.match((sent()[0].body as any).image.id, /\S+/)
    await until(async () => !!(await Message.query().where('conversation_id', conversation.id).where('type', 'image').whereNotNull('provider_message_id').first()), 'the image sent')
  })
})
