import { test } from '@japa/runner'
import { http } from '#config/app'

test.group('Trusted proxies', () => {
  test('X-Forwarded-* is believed from loopback and private networks only (default TRUSTED_PROXIES)', ({ assert }) => {
    const trust = http.trustProxy as (address: string, hop: number) => boolean
    assert.isTrue(trust('127.0.0.1', 0))
    assert.isTrue(trust('172.18.0.2', 0), 'a Docker network proxy')
    assert.isTrue(trust('10.0.0.5', 0))
    assert.isFalse(trust('203.0.113.7', 0), 'a client on the internet cannot choose its own IP')
  })
})
