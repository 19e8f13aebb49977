import { test } from '@japa/runner'
import MessageTemplate from '#messaging/models/message_template'

function template(components: Record<string, unknown>[]) {
  const synced = new MessageTemplate()
  synced.merge({ name: 'order_update', language: 'en_US', status: 'APPROVED', components })
  return synced
}

test.group('Message templates: parameters and preview', () => {
  const order = template([
    { type: 'HEADER', format: 'IMAGE' },
    { type: 'BODY', text: 'Hi {{1}}, order {{2}} ships today. Thanks, {{1}}!' },
    { type: 'FOOTER', text: 'Acme Ltd' },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Track' }, { type: 'URL', text: 'Open' }] },
  ])

  test('counts distinct placeholders; a media header takes one parameter', ({ assert }) => {
    assert.equal(order.parameterCount('BODY'), 2)
    assert.equal(order.parameterCount('HEADER'), 1)
    assert.equal(template([{ type: 'BODY', text: 'Hello {{first_name}}' }]).parameterCount('BODY'), 1)
    assert.equal(template([{ type: 'BODY', text: 'No parameters' }]).parameterCount('HEADER'), 0)
  })

  test('preview fills the parameters in order and keeps the rest of the template', ({ assert }) => {
    assert.deepEqual(order.preview({ body: ['Ana', '#1042'] }), {
      header: '[image]',
      body: 'Hi Ana, order #1042 ships today. Thanks, Ana!',
      footer: 'Acme Ltd',
      buttons: ['Track', 'Open'],
    })
    assert.equal(order.preview().body, 'Hi {{1}}, order {{2}} ships today. Thanks, {{1}}!')
    const named = template([{ type: 'HEADER', format: 'TEXT', text: 'For {{name}}' }, { type: 'BODY', text: '{{name}}: {{code}}' }])
    assert.deepEqual(named.preview({ header: ['Bo'], body: ['Bo', '42'] }), { header: 'For Bo', body: 'Bo: 42', footer: null, buttons: [] })
  })
})
