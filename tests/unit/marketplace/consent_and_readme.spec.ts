import { test } from '@japa/runner'
import { capabilityDiff, consentLines } from '#marketplace/consent'
import { renderReadme } from '#marketplace/readme'
import { manifestOf } from './fixtures.js'

test.group('Marketplace consent lines and README rendering', () => {
  test('every permission in plain words, one line per origin and method; a diff that widens', ({ assert }) => {
    const before = manifestOf({ capabilities: { log: true, http: { origins: [{ origin: 'https://hooks.example.com', methods: ['POST'] }] } } })
    const after = manifestOf({
      capabilities: {
        records: { contacts: ['read', 'tag'] },
        messages: { send: true },
        http: { origins: [{ origin: 'https://hooks.example.com', methods: ['POST', 'GET'] }] },
        kv: { quotaBytes: 65536 },
        sleep: { maxMs: 500 },
      },
    })
    assert.deepEqual(
      consentLines(after).map((line) => line.text),
      [
        'Store up to 64 KB of its own data',
        'Read your contacts (names, phone numbers, tags)',
        'Add tags to your contacts',
        'Send WhatsApp messages to your contacts',
        'Call https://hooks.example.com with POST',
        'Call https://hooks.example.com with GET',
        'Wait up to 500 ms while handling an event',
      ]
    )
    const diff = capabilityDiff(before, after)
    assert.isTrue(diff.widens)
    assert.notInclude(diff.added.map((line) => line.text), 'Call https://hooks.example.com with POST')
    assert.include(diff.added.map((line) => line.text), 'Call https://hooks.example.com with GET')
    assert.deepEqual(diff.removed.map((line) => line.text), ['Write lines to its own log, shown on its page here'])
    assert.isFalse(capabilityDiff(before, before).widens)
  })

  test('a README carries no markup of its own: raw HTML shows as text, only http(s) links, no attribute breakout', ({ assert }) => {
    const html = renderReadme(
      [
        '## Title <b>bold</b>',
        '',
        'Text with `<code>` and **strong** and *em*.',
        '<iframe src="https://evil"></iframe>',
        '',
        '- [ok](https://example.com/a?b=1&c=2)',
        '- [js](javascript:alert(1))',
        '- [quote](https://example.com/"onmouseover=alert(1))',
        '',
        '```',
        '<script>alert(1)</script>',
        '```',
      ].join('\n')
    )
    assert.include(html, '<h4>Title &lt;b&gt;bold&lt;/b&gt;</h4>')
    assert.include(html, '<code>&lt;code&gt;</code>')
    assert.include(html, '<strong>strong</strong>')
    assert.include(html, '&lt;iframe')
    assert.include(html, '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" target="_blank">ok</a>')
    assert.notInclude(html, 'href="javascript')
    assert.notMatch(html, /<a [^>]*"onmouseover/)
    assert.include(html, '<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></pre>')
    // Nothing but the tags the renderer writes.
    const tags = new Set([...html.matchAll(/<\/?([a-z0-9]+)/g)].map((match) => match[1]))
    assert.includeMembers(['h4', 'p', 'code', 'strong', 'em', 'ul', 'li', 'a', 'pre'], [...tags])
  })
})
