import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import db from '@adonisjs/lucid/services/db'
import Channel from '#messaging/models/channel'
import Conversation from '#messaging/models/conversation'
import Message from '#messaging/models/message'
import { syncTemplates } from '#messaging/actions/sync_templates'
import { until, useSimulatorAndWorkers } from '#messaging/tests/support'
import { typingKey } from '#inbox/actions/send_typing_indicator'
import { customerWrote } from '#inbox/tests/support'

/**
 * The composer beyond text, end to end through the simulator: the closed-window template
 * picker (preview, 422s, the send) and the typing indicator (throttled).
 */
test.group('Inbox: templates and typing', (group) => {
  const rig = useSimulatorAndWorkers(group, { seed: 23, workers: 2 })

  /** A customer who wrote 25 hours ago (the window is closed), and the channel's templates synced. */
  async function windowClosed(client: Parameters<typeof customerWrote>[0]) {
    const setup = await customerWrote(client, rig.simulator, 'Old question', 25)
    const channel = await Channel.findOrFail(setup.channelId)
    const templates = await syncTemplates(channel)
    const template = (name: string) => templates.find((t) => t.name === name)!
    return { ...setup, template }
  }

  const sentTo = (phoneNumberId: string) => rig.simulator.received(phoneNumberId).filter((request) => request.kind === 'message')

  test('with the window closed the composer offers the approved templates, their parameters and a preview', async ({ client, assert }) => {
    const { user, base, template } = await windowClosed(client)
    const html = (await client.get(base).loginAs(user)).text()
    assert.include(html, 'data-testid="template-form"')
    assert.notInclude(html, 'data-testid="reply-form"')
    assert.include(html, 'data-template-fields="appointment_reminder"')
    assert.match(html, /data-template-fields="order_update"[\s\S]*?Header image: link to the file[\s\S]*?name="body\[1\]"/)
    assert.include(html, 'data-parameter="customer_name"')

    const order = template('order_update')
    const preview = await client
      .get(`${base}/templates/preview?templateId=${order.id}&body[0]=Ana`)
      .header('hx-request', 'true')
      .loginAs(user)
    preview.assertStatus(200)
    assert.include(preview.text(), 'Hi Ana, your order {{2}} is on its way.')
  })

  test('a missing parameter or another channel’s template is a 422 naming the field, and nothing is sent', async ({ client, assert }) => {
    const { user, base, template, phoneNumberId } = await windowClosed(client)
    const send = (form: Record<string, unknown>) => client.post(`${base}/templates`).form(form).header('hx-request', 'true').loginAs(user).withCsrfToken()

    const missing = await send({ templateId: template('order_update').id, header: 'https://example.com/parcel.jpg', 'body[0]': 'Ana', 'body[1]': '' })
    missing.assertStatus(422)
    assert.deepEqual(missing.body().errors, [{ field: 'body.1', message: 'Fill in this parameter' }])

    const noHeader = await send({ templateId: template('order_update').id, 'body[0]': 'Ana', 'body[1]': '#1042' })
    noHeader.assertStatus(422)
    assert.equal(noHeader.body().errors[0].field, 'header')

    const unknown = await send({ templateId: 999999 })
    unknown.assertStatus(422)
    assert.equal(unknown.body().errors[0].field, 'templateId')

    assert.equal(Number((await db.from('messages').where('direction', 'outbound').count('* as n'))[0].n), 0)
    assert.lengthOf(sentTo(phoneNumberId), 0)
  })

  test('a template with named parameters goes through messaging to WhatsApp; HTMX gets the message for the thread', async ({ client, assert }) => {
    const { user, base, template, phoneNumberId, conversation } = await windowClosed(client)
    const response = await client
      .post(`${base}/templates`)
      .form({ templateId: template('appointment_reminder').id, 'body[0]': 'Jürgen', 'body[1]': '12 May, 10:00' })
      .header('hx-request', 'true')
      .loginAs(user)
      .withCsrfToken()
    response.assertStatus(200)
    assert.include(response.text(), 'data-template="appointment_reminder"')
    assert.include(response.text(), 'Hi Jürgen, this is a reminder of your appointment on 12 May, 10:00.')

    await until(() => sentTo(phoneNumberId).length === 1, 'the template at the simulator')
    assert.deepEqual((sentTo(phoneNumberId)[0].body as any).template, {
      name: 'appointment_reminder',
      language: { code: 'en_US' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Jürgen', parameter_name: 'customer_name' },
            { type: 'text', text: '12 May, 10:00', parameter_name: 'date' },
          ],
        },
      ],
    })
    const message = await Message.query().where('conversation_id', conversation.id).where('direction', 'outbound').firstOrFail()
    assert.equal(message.type, 'template')
    assert.equal(message.authorId, String(user.id))
  })

  test('typing shows "typing…" at WhatsApp at most once per 15 s per conversation', async ({ client, assert }) => {
    const { user, base, conversation, phoneNumberId, wamid } = await customerWrote(client, rig.simulator, 'Are you there?')
    await redis.del(typingKey(conversation))
    const typing = () => client.post(`${base}/typing`).header('hx-request', 'true').loginAs(user).withCsrfToken()

    ;(await typing()).assertStatus(204)
    ;(await typing()).assertStatus(204)
    const reads = () => rig.simulator.received(phoneNumberId).filter((request) => request.kind === 'read')
    await until(() => reads().length > 0, 'the typing indicator at the simulator')
    await until(async () => (await Conversation.findOrFail(conversation.id)).unreadCount === 0, 'the conversation read')
    await rig.simulator.settle()
    assert.lengthOf(reads(), 1, 'the second was within the throttle')
    assert.equal(reads()[0].id, wamid)
    assert.deepEqual((reads()[0].body as any).typing_indicator, { type: 'text' })
    await redis.del(typingKey(conversation))
  })
})
