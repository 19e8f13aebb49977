import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Contact from '#messaging/models/contact'
import { answerOf, parseAnswer, pickOption } from '#bots/services/answers'
import { chooseBranch, holds } from '#bots/services/conditions'
import { isForbiddenAddress } from '#core/address_guard'
import { isBusinessHours, render, type Scope } from '#bots/services/scope'

function scope(variables: Record<string, unknown> = {}): Scope {
  const contact = new Contact()
  contact.merge({ name: null, profileName: 'Ana', phone: '+79001112233', attributes: { plan: 'gold', tags: ['VIP', 'b2b'] } })
  return { contact, variables, channel: { id: 3, name: 'Sales' }, timezone: 'Asia/Tokyo', businessHours: { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' } }
}

test.group('Bots: variables, answers, conditions, addresses', () => {
  test('placeholders read the contact, its attributes, the variables and the channel; unknown ones are empty', ({ assert }) => {
    const text = render('{{contact.name}} ({{ contact.phone }}) {{contact.attributes.plan}} {{vars.order.id}} {{channel.name}} [{{vars.nope}}]', scope({ order: { id: 7 } }))
    assert.equal(text, 'Ana (+79001112233) gold 7 Sales []')
  })

  test('business hours are the workspace zone’s: Monday 10:00 in Tokyo is open, Saturday and 20:00 are not', ({ assert }) => {
    const tokyo = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Tokyo' })
    assert.isTrue(isBusinessHours(scope(), tokyo('2026-11-30T10:00')))
    assert.isFalse(isBusinessHours(scope(), tokyo('2026-11-30T20:00')))
    assert.isFalse(isBusinessHours(scope(), tokyo('2026-11-28T10:00')))
    // The same instant seen from UTC is still Monday 10:00 in Tokyo.
    assert.isTrue(isBusinessHours(scope(), tokyo('2026-11-30T10:00').toUTC()))
  })

  test('answers: numbers, e-mails, phones, dates and choices are checked and normalized', ({ assert }) => {
    const ask = (kind: any, text: string, choices?: string[]) => parseAnswer({ text: 'q', kind, choices } as any, { text, id: null })
    assert.equal(ask('number', '1 250,5'), 1250.5)
    assert.isUndefined(ask('number', 'twelve'))
    assert.equal(ask('email', ' Ana@Example.COM '), 'ana@example.com')
    assert.isUndefined(ask('email', 'ana@'))
    assert.equal(ask('phone', '+44 7700 900123'), '+447700900123')
    assert.isUndefined(ask('phone', '12'))
    assert.equal(ask('date', '31.12.2026'), '2026-12-31')
    assert.equal(ask('date', '2026-02-03'), '2026-02-03')
    assert.isUndefined(ask('date', '31.02.2026'))
    assert.equal(ask('choice', '2', ['Red', 'Blue']), 'Blue')
    assert.equal(ask('choice', 'red', ['Red', 'Blue']), 'Red')
    assert.isUndefined(ask('choice', 'green', ['Red', 'Blue']))
    assert.isUndefined(ask('text', '   '))
  })

  test('a tapped button is matched by id, a typed one by title; template buttons by payload', ({ assert }) => {
    const options = [{ id: 'a', title: 'Yes' }, { id: 'b', title: 'No' }]
    assert.equal(pickOption(options, answerOf('interactive', { type: 'button_reply', button_reply: { id: 'b', title: 'whatever' } }))?.id, 'b')
    assert.equal(pickOption(options, answerOf('text', { body: ' yes ' }))?.id, 'a')
    assert.isUndefined(pickOption(options, answerOf('text', { body: 'maybe' })))
    assert.deepEqual(answerOf('button', { payload: 'P1', text: 'Confirm' }), { text: 'Confirm', id: 'P1' })
  })

  test('conditions: all / any, tags, numbers, ranges across midnight, regular expressions, else', ({ assert }) => {
    const s = scope({ total: '120', city: 'Tokyo' })
    assert.isTrue(holds({ subject: 'contact.tags', operator: 'contains', value: 'vip' }, s))
    assert.isTrue(holds({ subject: 'vars.total', operator: 'gt', value: 99 }, s))
    assert.isTrue(holds({ subject: 'vars.total', operator: 'between', value: [100, 200] }, s))
    assert.isTrue(holds({ subject: 'vars.missing', operator: 'not_exists' }, s))
    assert.isTrue(holds({ subject: 'vars.city', operator: 'matches', value: '^to' }, s))
    assert.isFalse(holds({ subject: 'vars.city', operator: 'matches', value: '(' }, s), 'a broken pattern does not match')
    assert.isTrue(holds({ subject: 'channel.id', operator: 'eq', value: 3 }, s))
    assert.isTrue(holds({ subject: 'vars.city', operator: 'between', value: ['22:00', '06:00'] } as any, scope({ city: '23:30' })))
    const data = {
      branches: [
        { match: 'all' as const, rules: [{ subject: 'vars.city', operator: 'eq' as const, value: 'tokyo' }, { subject: 'vars.total', operator: 'lt' as const, value: 100 }], next: 'cheap' },
        { match: 'any' as const, rules: [{ subject: 'vars.city', operator: 'eq' as const, value: 'osaka' }, { subject: 'contact.attributes.plan', operator: 'eq' as const, value: 'GOLD' }], next: 'gold' },
      ],
      else: 'other',
    }
    assert.equal(chooseBranch(data, s), 'gold')
    assert.equal(chooseBranch(data, scope({ city: 'Kyoto', total: 5 })), 'gold')
    const plain = scope({ city: 'Kyoto' })
    plain.contact.attributes = {}
    assert.equal(chooseBranch(data, plain), 'other')
  })

  test('private, loopback, link-local and carrier-NAT addresses are recognized; public ones are not', ({ assert }) => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
      assert.isTrue(isForbiddenAddress(address), address)
    }
    for (const address of ['8.8.8.8', '172.32.0.1', '2606:4700::1111', '100.128.0.1']) assert.isFalse(isForbiddenAddress(address), address)
  })
})
