import { test } from '@japa/runner'
import { toE164, waIdOf } from '#messaging/services/phone'

test.group('Phone numbers', () => {
  test('normalises local and international numbers to E.164', ({ assert }) => {
    assert.equal(toE164('8 (900) 123-45-67', 'RU'), '+79001234567')
    assert.equal(toE164('+7 900 123 45 67'), '+79001234567')
    assert.equal(toE164('79001234567'), '+79001234567', 'a WhatsApp id (digits with country code)')
    assert.equal(toE164('(415) 555-2671', 'US'), '+14155552671')
  })

  test('refuses what cannot be a phone number', ({ assert }) => {
    assert.isNull(toE164(''))
    assert.isNull(toE164('hello'))
    assert.isNull(toE164('123', 'RU'))
  })

  test('the WhatsApp id is the E.164 digits', ({ assert }) => {
    assert.equal(waIdOf('+79001234567'), '79001234567')
  })
})
