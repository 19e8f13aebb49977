import { randomBytes } from 'node:crypto'
import redis from '@adonisjs/redis/services/main'

/**
 * Per-number send rate, shared by every worker through Redis: a sliding log of the last second's
 * sends. A slot is taken only while fewer than `limit` sends happened in the window, so no
 * one-second window (measured anywhere) ever holds more than the limit. The window is a little
 * longer than a second because the provider counts arrivals, and requests leave a few
 * milliseconds apart from when their slot was taken.
 */
const WINDOW_MS = 1050

// Redis's own clock: every worker measures the window the same way.
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`

let defined = false
function connection() {
  const client = redis.connection().ioConnection
  if (!defined) {
    client.defineCommand('sbTakeSendSlot', { numberOfKeys: 1, lua: SCRIPT })
    defined = true
  }
  return client as typeof client & { sbTakeSendSlot(key: string, window: number, limit: number, member: string): Promise<number> }
}

/** Takes a send slot for the channel now, or says how many ms until one frees up. */
export function takeSendSlot(channelId: number, limit: number) {
  return connection().sbTakeSendSlot(`sb:send-rate:${channelId}`, WINDOW_MS, Math.max(1, limit), randomBytes(8).toString('hex'))
}

/** Waits for a send slot of the channel (a few ms of jitter so waiting workers do not stampede). */
export async function waitForSendSlot(channelId: number, limit: number) {
  for (;;) {
    const wait = await takeSendSlot(channelId, limit)
    if (wait === 0) return
    await new Promise((resolve) => setTimeout(resolve, wait + Math.random() * 5))
  }
}
