import { test } from '@japa/runner'
import { pluginEnablement } from '#plugins/enablement'
import { jobs } from '#jobs/registry'
import { apiWorkspace, connectCloudChannel, until, useSimulatorAndWorkers } from '#messaging/tests/support'
import BotSession from '#bots/models/bot_session'
import { resumeSession } from '#bots/jobs/resume_session'
import { sweepSessions } from '#bots/jobs/sweep_sessions'
import { liveFlow } from '#bots/tests/support'

/** Delays with real workers: the delayed job wakes the session; a lost job is put back by the sweeper from the row. */
test.group('Bots: delays through BullMQ', (group) => {
  const rig = useSimulatorAndWorkers(group, { seed: 73, workers: 2 })

  async function waitingCustomer(client: any) {
    const { workspace, user, token } = await apiWorkspace()
    await pluginEnablement.enable(workspace, 'bots', user.id)
    const { phoneNumberId } = await connectCloudChannel(client, token, rig.simulator)
    await liveFlow(workspace.id, [
      { id: 'wait', type: 'message', data: { text: 'One moment…', next: 'd' } },
      { id: 'd', type: 'delay', data: { seconds: 1, next: 'done' } },
      { id: 'done', type: 'end', data: { message: 'Here it is' } },
    ])
    await rig.simulator.inject(phoneNumberId, { from: '4915112340000', type: 'text', text: 'status?' })
    const texts = () => rig.simulator.received(phoneNumberId).filter((request) => request.kind === 'message').map((request) => (request.body as any).text.body)
    await until(() => texts().length === 1, 'the first message')
    const session = await BotSession.query().where('workspace_id', workspace.id).firstOrFail()
    return { session, texts }
  }

  test('the delayed job resumes the flow when its time is up', async ({ client, assert }) => {
    const { session, texts } = await waitingCustomer(client)
    assert.equal(session.waiting, 'delay')
    await until(() => texts().length === 2, 'the message after the delay', 5000)
    assert.deepEqual(texts(), ['One moment…', 'Here it is'])
    assert.equal((await BotSession.findOrFail(session.id)).status, 'completed')
  })

  test('a wake-up job lost with Redis is enqueued again by the sweeper from the session row', async ({ client, assert }) => {
    const { session, texts } = await waitingCustomer(client)
    const queue = jobs.queue(resumeSession.queue ?? 'default')
    await queue.remove(`bots-wake-${session.id}-${session.wakeAt!.toMillis()}`)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.lengthOf(texts(), 1)
    await sweepSessions.handle({}, undefined as any)
    await until(() => texts().length === 2, 'the message after the sweep', 5000)
    assert.equal((await BotSession.findOrFail(session.id)).status, 'completed')
  })
})
