import redis from '@adonisjs/redis/services/main'
import { defineJob, jobs } from '#jobs/registry'
import Channel from '#messaging/models/channel'
import { ChannelSender } from '#messaging/services/channel_sender'

/** Set while a wake-up of the channel's sender waits to start (a safety TTL, should its job be lost). */
const WAKE_FLAG_PREFIX = 'sb:send-wake:'
const wakeFlag = (channelId: number) => `${WAKE_FLAG_PREFIX}${channelId}`
const WAKE_FLAG_MS = 60_000

/**
 * The send queue is the messages table (queued rows, due at `next_attempt_at`); this job wakes a
 * channel's sender (services/channel_sender.ts), which sends whatever is due and, when it is done,
 * schedules itself for the next retry. The sender clears the wake flag before it claims anything,
 * so a message queued after that raises the flag again and wakes another: none is left waiting.
 */
export const sendChannel = defineJob<{ workspaceId: number; channelId: number }>({
  name: 'messaging.send_channel',
  queue: 'messaging-send',
  concurrency: 64,
  attempts: 5,
  backoff: 1000,
  async handle({ workspaceId, channelId }) {
    await redis.connection().ioConnection.del(wakeFlag(channelId))
    const channel = await Channel.cached(channelId)
    if (!channel || channel.workspaceId !== workspaceId) return
    const next = await new ChannelSender(channel).run()
    if (next) await dispatchSender(workspaceId, channelId, next)
  },
})

/**
 * A sender for the channel, now or at `at` (a retry's time, a lease's end). Wake-ups for one
 * instant are one job.
 */
export function dispatchSender(workspaceId: number, channelId: number, at?: Date) {
  const delay = at ? Math.max(0, at.getTime() - Date.now()) : 0
  return jobs.dispatch(sendChannel, { workspaceId, channelId }, { delay, jobId: `send-${channelId}-${at ? at.getTime() : Date.now()}`, removeOnComplete: true })
}

/** Wakes the channel's sender after messages were queued: one job, however many messages and callers. */
export async function wakeSender(workspaceId: number, channelId: number) {
  const first = await redis.connection().ioConnection.set(wakeFlag(channelId), '1', 'PX', WAKE_FLAG_MS, 'NX')
  if (first) await dispatchSender(workspaceId, channelId)
}

/**
 * Forgets every pending wake-up: for whoever emptied the send queue by hand (a drained queue,
 * a test between groups), else each channel's next messages would wait for the flag's TTL.
 */
export async function forgetWakeUps() {
  const connection = redis.connection().ioConnection
  let cursor = '0'
  do {
    const [next, keys] = await connection.scan(cursor, 'MATCH', `${WAKE_FLAG_PREFIX}*`, 'COUNT', 500)
    if (keys.length) await connection.del(...keys)
    cursor = next
  } while (cursor !== '0')
}
