import { test } from '@japa/runner'
import { CompiledIcuFormatter } from '#core/icu_formatter'

test.group('ICU formatter', () => {
  test('a label without arguments and a message with arguments both format on every call', ({ assert }) => {
    const formatter = new CompiledIcuFormatter()
    for (let call = 0; call < 2; call++) {
      assert.equal(formatter.format('Dashboard', 'en'), 'Dashboard')
      assert.equal(formatter.format('<b>Tags</b> stay text', 'en'), '<b>Tags</b> stay text')
    }
    assert.equal(formatter.format('Welcome, {name}', 'en', { name: 'Ada' }), 'Welcome, Ada')
    assert.equal(formatter.format('Welcome, {name}', 'en', { name: 'Грейс' }), 'Welcome, Грейс')
    const members = '{count, plural, one {# участник} few {# участника} many {# участников} other {# участника}}'
    assert.equal(formatter.format(members, 'ru', { count: 1 }), '1 участник')
    assert.equal(formatter.format(members, 'ru', { count: 5 }), '5 участников')
  })
})
