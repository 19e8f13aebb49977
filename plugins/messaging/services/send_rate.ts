import { randomBytes } from 'node:crypto'
import redis from '@adonisjs/redis/services/main'

/**
 * Per-number send rate, shared by every worker through Redis: a sliding log of the last second's
 * sends. Slots are taken only while fewer than `limit` sends are in the window, so no one-second
 * window (measured anywhere) ever holds more than the limit. The provider counts arrivals, and a
 * request arrives somewhere between its slot and its answer: a send is logged at its slot, then
 * again at its answer once it has one (its sender's next call moves it, in Redis's clock; one
 * still unanswered half a second after its slot is moved to each call's time meanwhile). A new
 * slot is so never closer than a second to the latest moment an earlier send could have arrived;
 * each send holds its place in the log for a second plus its own round trip, which is all the rate
 * the uncertainty costs. The window is 10 ms longer than a second, for clocks read in whole ms.
 *
 * A tenth of a second grants at most a tenth of the limit (rounded up): a sender that takes slots
 * in batches still sends evenly instead of a second's worth at once, so arrivals jitter by
 * milliseconds, not by the time a burst takes to leave. That counts the grants themselves, in a
 * log of their own: counted in the arrival log, where answered sends move forward by their round
 * trip, a slow answer would hold the next tenth back too (at 140 ms round trips the rate fell to
 * about 600/s of a 1,000/s limit).
 */
const WINDOW_MS = 1010
const SLICE_MS = 100

// Redis's own clock: every worker measures the window the same way. Returns {granted, wait ms, now}.
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
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - slice)
local free = limit - redis.call('ZCARD', KEYS[1])
local wait = 0
if free > 0 then
  local sliceFree = math.ceil(limit * slice / 1000) - redis.call('ZCARD', KEYS[2])
  if sliceFree < free then free = sliceFree end
  if free <= 0 then
    local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
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
redis.call('ZADD', KEYS[2], unpack(members))
redis.call('PEXPIRE', KEYS[2], slice)
return {n, 0, now}
`

let defined = false
function connection() {
  const client = redis.connection().ioConnection
  if (!defined) {
    client.defineCommand('sbTakeSendSlots', { numberOfKeys: 2, lua: SCRIPT })
    defined = true
  }
  return client as typeof client & {
    sbTakeSendSlots(log: string, grants: string, window: number, limit: number, want: number, member: string, slice: number, ...answered: (string | number)[]): Promise<[number, number, number]>
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
    `sb:send-rate:${channelId}:grants`,
    WINDOW_MS,
    Math.max(1, limit),
    Math.max(0, want),
    prefix,
    SLICE_MS,
    ...answered.flatMap(({ slot, at }) => [Math.ceil(at + clockOffset), slot])
  )
  clockOffset = redisNow - asked
  return { granted, waitMs, slots: Array.from({ length: granted }, (_, i) => `${prefix}${i + 1}`) }
}
