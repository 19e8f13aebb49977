import { defineJob } from '#jobs/registry'

/** A delay node's time is up: the session goes on (a session no longer waiting is left alone). */
export const resumeSession = defineJob<{ workspaceId: number; sessionId: number }>({
  name: 'bots.resume_session',
  attempts: 5,
  async handle({ workspaceId, sessionId }) {
    // Imported when run: the runtime imports this job to schedule it.
    const { advance } = await import('#bots/services/runtime')
    await advance({ id: sessionId, workspaceId }, { kind: 'wake' })
  },
})
