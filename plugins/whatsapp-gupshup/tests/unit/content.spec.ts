import { test } from '@japa/runner'
import { ProviderError, type OutboundMessage } from '#messaging/services/channel_provider'
import { gupshupMessage, gupshupTemplate, templateDefinition } from '#whatsapp-gupshup/services/content'

const send = (type: OutboundMessage['type'], content: unknown, replyToProviderId?: string) =>
  // What goes on the wire: JSON without the undefined fields.
  JSON.parse(JSON.stringify(gupshupMessage({ to: '919876543210', type, content: content as Record<string, unknown>, replyToProviderId })))

function reasonOf(run: () => unknown) {
  try {
    run()
  } catch (error) {
    if (error instanceof ProviderError) return error.reason
    throw error
  }
  throw new Error('expected a ProviderError')
}

const UUID = /^[0-9a-f-]{36}$/

test.group('Gupshup content: session messages out', () => {
  test('text', ({ assert }) => {
    assert.deepEqual(send('text', { body: 'Hello', preview_url: true }), { type: 'text', text: 'Hello' })
  })

  test('a reply quotes the message inside the message object', ({ assert }) => {
    assert.deepEqual(send('text', { body: 'Yes' }, 'ABEGkZUTIXZ0'), { type: 'text', text: 'Yes', context: { msgId: 'ABEGkZUTIXZ0' } })
  })

  test('image by link: originalUrl, previewUrl, caption', ({ assert }) => {
    assert.deepEqual(send('image', { link: 'https://cdn.example/a.jpg', caption: 'Menu' }), {
      type: 'image',
      originalUrl: 'https://cdn.example/a.jpg',
      previewUrl: 'https://cdn.example/a.jpg',
      caption: 'Menu',
    })
  })

  test('video, audio and sticker by url', ({ assert }) => {
    assert.deepEqual(send('video', { link: 'https://cdn.example/v.mp4', caption: 'Tour' }), { type: 'video', url: 'https://cdn.example/v.mp4', caption: 'Tour' })
    assert.deepEqual(send('audio', { link: 'https://cdn.example/a.ogg' }), { type: 'audio', url: 'https://cdn.example/a.ogg' })
    assert.deepEqual(send('sticker', { link: 'https://cdn.example/s.webp' }), { type: 'sticker', url: 'https://cdn.example/s.webp' })
  })

  test('document is a file with its filename', ({ assert }) => {
    assert.deepEqual(send('document', { link: 'https://cdn.example/i.pdf', filename: 'invoice.pdf', caption: 'May' }), {
      type: 'file',
      url: 'https://cdn.example/i.pdf',
      filename: 'invoice.pdf',
      caption: 'May',
    })
  })

  test('media given by id only cannot go through Gupshup', ({ assert }) => {
    for (const type of ['image', 'video', 'audio', 'sticker', 'document'] as const) {
      assert.equal(reasonOf(() => send(type, { id: '1234567890' })), 'invalid', type)
    }
  })

  test('location', ({ assert }) => {
    assert.deepEqual(send('location', { latitude: 19.14, longitude: 72.85, name: 'Office', address: 'Mumbai' }), {
      type: 'location',
      latitude: 19.14,
      longitude: 72.85,
      name: 'Office',
      address: 'Mumbai',
    })
  })

  test('one contact card, camelCase keys but wa_id; several are refused', ({ assert }) => {
    const card = {
      name: { formatted_name: 'John Smith', first_name: 'John' },
      addresses: [{ country_code: 'us', type: 'HOME' }],
      phones: [{ phone: '+1 650 555 1234', type: 'WORK', wa_id: '16505551234' }],
    }
    assert.deepEqual(send('contacts', [card]), {
      type: 'contact',
      contact: {
        name: { formattedName: 'John Smith', firstName: 'John' },
        addresses: [{ countryCode: 'us', type: 'HOME' }],
        phones: [{ phone: '+1 650 555 1234', type: 'WORK', wa_id: '16505551234' }],
      },
    })
    assert.equal(reasonOf(() => send('contacts', [card, card])), 'invalid')
  })

  test('reply buttons become a quick_reply whose postbackText is the button id', ({ assert }) => {
    const quickReply = send('interactive', {
      type: 'button',
      header: { type: 'text', text: 'Your order' },
      body: { text: 'Confirm?' },
      footer: { text: 'Shop' },
      action: { buttons: [{ type: 'reply', reply: { id: 'yes-1', title: 'Yes' } }, { type: 'reply', reply: { id: 'no-1', title: 'No' } }] },
    })
    assert.match(quickReply.msgid, UUID)
    assert.deepEqual(
      { ...quickReply, msgid: undefined },
      {
        type: 'quick_reply',
        content: { type: 'text', header: 'Your order', text: 'Confirm?', caption: 'Shop' },
        options: [
          { type: 'text', title: 'Yes', postbackText: 'yes-1' },
          { type: 'text', title: 'No', postbackText: 'no-1' },
        ],
        msgid: undefined,
      }
    )
  })

  test('a quick_reply can lead with an image or a document (by link)', ({ assert }) => {
    const action = { buttons: [{ type: 'reply', reply: { id: 'ok', title: 'OK' } }] }
    const image = send('interactive', { type: 'button', header: { type: 'image', image: { link: 'https://cdn.example/a.jpg' } }, body: { text: 'Look' }, action })
    assert.deepEqual(image.content, { type: 'image', url: 'https://cdn.example/a.jpg', text: 'Look' })
    const document = send('interactive', {
      type: 'button',
      header: { type: 'document', document: { link: 'https://cdn.example/i.pdf', filename: 'i.pdf' } },
      body: { text: 'Read' },
      action,
    })
    assert.deepEqual(document.content, { type: 'file', url: 'https://cdn.example/i.pdf', filename: 'i.pdf', text: 'Read' })
    assert.equal(reasonOf(() => send('interactive', { type: 'button', header: { type: 'image', image: { id: '42' } }, body: { text: 'x' }, action })), 'invalid')
  })

  test('a list: title, body, one global button, sections as items whose rows post back their id', ({ assert }) => {
    const listMessage = send('interactive', {
      type: 'list',
      header: { type: 'text', text: 'Menu' },
      body: { text: 'Pick a dish' },
      footer: { text: 'dropped' },
      action: {
        button: 'Dishes',
        sections: [
          { title: 'Mains', rows: [{ id: 'm1', title: 'Curry', description: 'Hot' }] },
          { title: 'Desserts', rows: [{ id: 'd1', title: 'Kulfi' }] },
        ],
      },
    })
    assert.match(listMessage.msgid, UUID)
    assert.deepEqual(
      { ...listMessage, msgid: undefined },
      {
        type: 'list',
        title: 'Menu',
        body: 'Pick a dish',
        globalButtons: [{ type: 'text', title: 'Dishes' }],
        items: [
          { title: 'Mains', subtitle: 'Mains', options: [{ type: 'text', title: 'Curry', description: 'Hot', postbackText: 'm1' }] },
          { title: 'Desserts', subtitle: 'Desserts', options: [{ type: 'text', title: 'Kulfi', postbackText: 'd1' }] },
        ],
        msgid: undefined,
      }
    )
  })

  test('reaction', ({ assert }) => {
    assert.deepEqual(send('reaction', { message_id: 'ABEGkZUTIXZ0', emoji: '👍' }), { type: 'reaction', msgId: 'ABEGkZUTIXZ0', emoji: '👍' })
  })

  test('what Gupshup cannot send', ({ assert }) => {
    assert.equal(reasonOf(() => send('interactive', { type: 'cta_url', body: { text: 'x' } })), 'unsupported')
    assert.equal(reasonOf(() => send('button', { payload: 'x', text: 'x' })), 'unsupported')
    assert.equal(reasonOf(() => send('system', { kind: 'x' })), 'unsupported')
  })
})

test.group('Gupshup content: templates out', () => {
  test('by Gupshup id; params in order of occurrence; quick-reply payloads as postbackTexts; media header as message', ({ assert }) => {
    const fields = gupshupTemplate({
      name: 'order_update',
      language: { code: 'en_US' },
      provider_template_id: 'c6aecef6-bcb0-4fb1-8100-28c094e3bc6b',
      components: [
        { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'ord-42' }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Ana' },
            { type: 'currency', currency: { fallback_value: '$10.00', code: 'USD', amount_1000: 10000 } },
          ],
        },
        { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/h.jpg' } }] },
        { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'CONFIRM_123' }] },
      ],
    })
    assert.deepEqual(JSON.parse(JSON.stringify(fields)), {
      template: { id: 'c6aecef6-bcb0-4fb1-8100-28c094e3bc6b', params: ['Ana', '$10.00', 'ord-42'] },
      message: { type: 'image', image: { link: 'https://cdn.example/h.jpg' } },
      postbackTexts: [{ index: 0, text: 'CONFIRM_123' }],
    })
  })

  test('a text header comes first; a body-only template has no message nor postbackTexts', ({ assert }) => {
    const fields = gupshupTemplate({
      provider_template_id: 't-1',
      components: [
        { type: 'body', parameters: [{ type: 'text', text: 'B' }] },
        { type: 'header', parameters: [{ type: 'text', text: 'H' }] },
      ],
    })
    assert.deepEqual(fields, { template: { id: 't-1', params: ['H', 'B'] }, message: undefined, postbackTexts: undefined })
  })

  test('document and location headers', ({ assert }) => {
    const document = gupshupTemplate({
      provider_template_id: 't-1',
      components: [{ type: 'header', parameters: [{ type: 'document', document: { link: 'https://cdn.example/i.pdf', filename: 'i.pdf' } }] }],
    })
    assert.deepEqual(document.message, { type: 'document', document: { link: 'https://cdn.example/i.pdf', filename: 'i.pdf' } })
    const location = gupshupTemplate({
      provider_template_id: 't-1',
      components: [{ type: 'header', parameters: [{ type: 'location', location: { latitude: '19.1', longitude: '72.8' } }] }],
    })
    assert.deepEqual(location.message, { type: 'location', location: { latitude: '19.1', longitude: '72.8' } })
  })

  test('not synced (no Gupshup id), or a header by media id, is refused', ({ assert }) => {
    assert.equal(reasonOf(() => gupshupTemplate({ name: 'order_update', language: { code: 'en' }, components: [] })), 'template')
    const byId = { provider_template_id: 't-1', components: [{ type: 'header', parameters: [{ type: 'image', image: { id: '42' } }] }] }
    assert.equal(reasonOf(() => gupshupTemplate(byId)), 'invalid')
  })
})

test.group('Gupshup content: listed templates', () => {
  test('containerMeta gives header, body, footer and buttons', ({ assert }) => {
    const definition = templateDefinition({
      id: '3cb92fbd-0bac',
      elementName: 'deals',
      languageCode: 'en',
      category: 'MARKETING',
      status: 'approved',
      templateType: 'TEXT',
      data: 'Dear {{1}}\nDeals for {{2}}\nThank you | [Contact,+919139472766]',
      containerMeta: JSON.stringify({
        header: 'Dear {{1}}',
        data: 'Deals for {{2}}',
        footer: 'Thank you',
        buttons: [{ type: 'PHONE_NUMBER', text: 'Contact', phone_number: '+919139472766' }],
      }),
    })
    assert.deepEqual(definition, {
      providerTemplateId: '3cb92fbd-0bac',
      name: 'deals',
      language: 'en',
      category: 'MARKETING',
      status: 'APPROVED',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Dear {{1}}' },
        { type: 'BODY', text: 'Deals for {{2}}' },
        { type: 'FOOTER', text: 'Thank you' },
        { type: 'BUTTONS', buttons: [{ type: 'PHONE_NUMBER', text: 'Contact', phone_number: '+919139472766' }] },
      ],
    })
  })

  test('a media template has a media header; without containerMeta the body is data', ({ assert }) => {
    const definition = templateDefinition({ id: 't-2', elementName: 'receipt', languageCode: 'en_US', status: 'PENDING', templateType: 'IMAGE', data: 'Your receipt {{1}}' })
    assert.deepEqual(definition.components, [
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'BODY', text: 'Your receipt {{1}}' },
    ])
    assert.isNull(definition.category)
    assert.equal(templateDefinition({ id: 't-3', elementName: 'x', data: 'x', containerMeta: '{not json' }).components.length, 1)
  })
})
