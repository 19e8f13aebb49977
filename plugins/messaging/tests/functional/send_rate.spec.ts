import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import { takeSendSlots } from '#messaging/services/send_rate'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The per-number rate log (services/send_rate.ts) against the real Redis: a send holds its place
 * in the window from its answer, while the tenth-of-a-second pacing counts grants only. The
 * pauses stand for a provider's slow answer; the margins leave a loaded machine ~200 ms of slack.
 */
test.group('Send rate', (group) => {
  // Channel ids no channel has: the logs are Redis keys only.
  const channelIds = [990_001, 990_002]
  const forget = async () => {
    await redis.connection().ioConnection.del(...channelIds.flatMap((id) => [`sb:send-rate:${id}`, `sb:send-rate:${id}:grants`]))
  }
  group.each.setup(forget)
  group.each.teardown(forget)

  test('a slow answer does not hold back the next tenth of a second', async ({ assert }) => {
    // 10/s: one grant per 100 ms.
    const first = await takeSendSlots(990_001, 10, 1)
    assert.equal(first.granted, 1)
    const again = await takeSendSlots(990_001, 10, 1)
    assert.equal(again.granted, 0)
    assert.isAtMost(again.waitMs, 100)
    await pause(250)
    // Answered now: in the window from now on, but its tenth is long over.
    const next = await takeSendSlots(990_001, 10, 1, [{ slot: first.slots[0], at: Date.now() }])
    assert.equal(next.granted, 1)
  })

  test('an answered send holds its place in the window for a second from its answer', async ({ assert }) => {
    const first = await takeSendSlots(990_002, 1, 1)
    assert.equal(first.granted, 1)
    await pause(400)
    const after = await takeSendSlots(990_002, 1, 1, [{ slot: first.slots[0], at: Date.now() }])
    assert.equal(after.granted, 0)
    // From its slot it would free in ~600 ms; from its answer, in about a second.
    assert.isAbove(after.waitMs, 800)
  })
})
