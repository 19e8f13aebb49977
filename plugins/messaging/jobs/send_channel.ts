import { defineJob, jobs } from '#jobs/registry'
import { lowerWakeFlag, raiseWakeFlag } from '#jobs/wake_flags'
import Channel from '#messaging/models/channel'
import { ChannelSender } from '#messaging/services/channel_sender'

/** Raised while a wake-up of the channel's sender waits to start (app/jobs/wake_flags.ts). */
const wakeFlag = (channelId: number) => `send:${channelId}`

/**
 * The sender running in this process for each channel. A wake-up for a channel whose sender is
 * still claiming hands over to it (each queueing call of a campaign wakes the channel): one
 * sender, one buffer and one conversation order per channel and process, instead of a sender
 * per call competing for the same rate.
 */
const running = new Map<number, ChannelSender>()

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
    await lowerWakeFlag(wakeFlag(channelId))
    if (running.get(channelId)?.takeMore()) return
    const channel = await Channel.cached(channelId)
    if (!channel || channel.workspaceId !== workspaceId) return
    const sender = new ChannelSender(channel)
    running.set(channelId, sender)
    let next: Date | null
    try {
      next = await sender.run()
    } finally {
      if (running.get(channelId) === sender) running.delete(channelId)
    }
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

/**
 * Wakes the channel's sender after messages were queued: one job, however many messages and
 * callers; none when this process's sender of the channel still claims (it takes them).
 */
export async function wakeSender(workspaceId: number, channelId: number) {
  if (running.get(channelId)?.takeMore()) return
  if (await raiseWakeFlag(wakeFlag(channelId))) await dispatchSender(workspaceId, channelId)
}
