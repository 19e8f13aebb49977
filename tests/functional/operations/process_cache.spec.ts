import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import env from '#start/env'
import { ProcessCache, listenForForgottenKeys } from '#core/process_cache'

test.group('Process cache', () => {
  test('a value is loaded once, then dropped when any process forgets its key', async ({ assert }) => {
    const cache = new ProcessCache<string>('tests.process_cache', { ttlMs: 60_000, maxEntries: 10 })
    let loads = 0
    const load = async () => `value ${++loads}`
    assert.equal(await cache.get(1, load), 'value 1')
    assert.equal(await cache.get(1, load), 'value 1')

    await listenForForgottenKeys()
    // Another install on the same Redis server (another REDIS_DB) forgetting the same key: not ours.
    const otherDb = env.get('REDIS_DB', 0) + 1
    await redis.publish(`sb:cache:forget:db${otherDb}`, JSON.stringify(['tests.process_cache', '1']))
    await new Promise((resolve) => setTimeout(resolve, 100))
    assert.equal(await cache.get(1, load), 'value 1')

    // What another process of this install publishes on forget().
    await redis.publish(`sb:cache:forget:db${env.get('REDIS_DB', 0)}`, JSON.stringify(['tests.process_cache', '1']))
    const deadline = Date.now() + 2000
    while ((await cache.get(1, load)) === 'value 1' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    assert.equal(await cache.get(1, load), 'value 2')
  })

  test('a failed load is not kept, and values expire', async ({ assert }) => {
    const cache = new ProcessCache<string>('tests.process_cache_ttl', { ttlMs: 20, maxEntries: 10 })
    await assert.rejects(() => cache.get('k', async () => Promise.reject(new Error('database down'))), 'database down')
    assert.equal(await cache.get('k', async () => 'fresh'), 'fresh')
    await new Promise((resolve) => setTimeout(resolve, 30))
    assert.equal(await cache.get('k', async () => 'newer'), 'newer')
  })
})
