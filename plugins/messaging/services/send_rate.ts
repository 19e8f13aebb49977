import { randomBytes } from 'node:crypto'
import redis from '@adonisjs/redis/services/main'

/**
 * Per-number send rate, shared by every worker through Redis: a sliding log of the last second's
 * sends. Slots are taken only while fewer than `limit` sends happened in the window, so no
 * one-second window (measured anywhere) ever holds more than the limit. The provider counts
 * arrivals, and a request arrives somewhere between its slot and its answer: the window is
 * 50 ms longer than a second for that, and a send answered later than 40 ms after its slot is
 * logged again at its answer less 40 ms (its sender's next call moves it, in Redis's clock). So a
 * new slot is never closer than a second to the latest moment an earlier send could have
 * arrived, while a quick answer costs no rate.
 *
 * A tenth of the window holds at most a tenth of the limit (rounded up): a sender that takes
 * slots in batches still sends evenly instead of a second's worth at once, so arrivals jitter
 * by milliseconds, not by the time a burst takes to leave.
 */
const WINDOW_MS = 1050
const SLICE_MS = 100
/** An answered send is logged again at its answer less this (within the window's 50 ms margin). */
const ANSWER_ALLOWANCE_MS = 40

// Redis's own clock: every worker measures the window the same way. Returns {granted, wait ms}.
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local slice = tonumber(ARGV[5])
for i = 6, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], 'XX', 'GT', math.min(now, tonumber(ARGV[i])), ARGV[i + 1])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if want <= 0 then return {0, 0, now} end
local free = limit - redis.call('ZCARD', KEYS[1])
local wait = 0
if free > 0 then
  local sliceFree = math.ceil(limit * slice / 1000) - redis.call('ZCOUNT', KEYS[1], now - slice + 1, '+inf')
  if sliceFree < free then free = sliceFree end
  if free <= 0 then
    local first = redis.call('ZRANGEBYSCORE', KEYS[1], now - slice + 1, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
    wait = math.max(1, tonumber(first[2]) + slice - now)
  end
else
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  wait = math.max(1, tonumber(oldest[2]) + window - now)
end
if free <= 0 then return {0, wait, now} end
local n = math.min(free, want)
local members = {}
for i = 1, n do
  members[#members + 1] = now
  members[#members + 1] = ARGV[4] .. i
end
redis.call('ZADD', KEYS[1], unpack(members))
redis.call('PEXPIRE', KEYS[1], window)
return {n, 0, now}
`

let defined = false
function connection() {
  const client = redis.connection().ioConnection
  if (!defined) {
    client.defineCommand('sbTakeSendSlots', { numberOfKeys: 1, lua: SCRIPT })
    defined = true
  }
  return client as typeof client & {
    sbTakeSendSlots(key: string, window: number, limit: number, want: number, member: string, slice: number, ...answered: (string | number)[]): Promise<[number, number, number]>
  }
}

/** A slot whose request was answered, and when (this process's clock, ms). */
export interface AnsweredSlot {
  slot: string
  at: number
}

// Redis's clock minus ours, as seen by the last call; measured from before the call, so answers are never logged too early.
let clockOffset = 0

/**
 * Takes up to `want` send slots of the channel now (one Redis call; none with `want` 0), after
 * logging the sends of `answered` slots at the time of their answer: how many it got and their slots, and when none,
 * how many ms until one may free up.
 */
export async function takeSendSlots(channelId: number, limit: number, want: number, answered: AnsweredSlot[] = []) {
  const prefix = `${randomBytes(6).toString('hex')}:`
  const asked = Date.now()
  const [granted, waitMs, redisNow] = await connection().sbTakeSendSlots(
    `sb:send-rate:${channelId}`,
    WINDOW_MS,
    Math.max(1, limit),
    Math.max(0, want),
    prefix,
    SLICE_MS,
    ...answered.flatMap(({ slot, at }) => [Math.ceil(at - ANSWER_ALLOWANCE_MS + clockOffset), slot])
  )
  clockOffset = redisNow - asked
  return { granted, waitMs, slots: Array.from({ length: granted }, (_, i) => `${prefix}${i + 1}`) }
}
