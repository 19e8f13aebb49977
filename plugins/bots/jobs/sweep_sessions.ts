import { DateTime } from 'luxon'
import { defineJob } from '#jobs/registry'
import BotSession from '#bots/models/bot_session'
import { expireSessions } from '#bots/services/sessions'
import { scheduleWake } from '#bots/services/runtime'

/**
 * Every minute: idle sessions expire, and delays whose wake-up job is gone (Redis flushed, a
 * worker lost it) are enqueued again from the wake-up time kept in the session row. The job
 * id is the same as the original's, so a job still waiting is not doubled; and a session no
 * longer waiting ignores a second wake-up.
 */
export const sweepSessions = defineJob({
  name: 'bots.sweep_sessions',
  repeat: { every: 60_000 },
  attempts: 1,
  async handle() {
    await expireSessions()
    const due = await BotSession.query()
      .where('status', 'active')
      .where('waiting', 'delay')
      .where('wake_at', '<=', DateTime.now().toSQL()!)
      .orderBy('wake_at')
      .limit(1000)
    for (const session of due) await scheduleWake(session)
  },
})
