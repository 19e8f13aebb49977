import { test } from '@japa/runner'
import emitter from '@adonisjs/core/services/emitter'

test.group('App emitter', () => {
  test('an event with a listener still reaches it; one without settles without error', async ({ assert, cleanup }) => {
    const heard: unknown[] = []
    const listener = (data: unknown) => void heard.push(data)
    emitter.on('switchboard:test_event' as any, listener)
    cleanup(() => emitter.off('switchboard:test_event' as any, listener))
    await emitter.emit('switchboard:test_event' as any, { n: 1 })
    await emitter.emit('switchboard:nobody_listens' as any, { n: 2 })
    assert.deepEqual(heard, [{ n: 1 }])
  })

  test('faked events are collected even without a listener', async ({ assert, cleanup }) => {
    const events = emitter.fake()
    cleanup(() => emitter.restore())
    await emitter.emit('switchboard:nobody_listens' as any, { n: 3 })
    assert.isTrue(events.exists('switchboard:nobody_listens' as any))
  })
})
