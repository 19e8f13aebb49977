import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { defineJob, jobs } from '#jobs/registry'
import { makeOrganizationStaff, workspaceWithMember } from '#database/factories/index'

const explode = defineJob<{ workspaceId: number }>({
  name: 'test.explode',
  attempts: 1,
  async handle() {
    throw new Error('provider said no')
  },
})

async function waitUntilFailed(id: string) {
  for (let i = 0; i < 100; i++) {
    const job = await jobs.queue('default').getJob(id)
    if (job && (await job.isFailed())) return job
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`job ${id} did not fail`)
}

test.group('Failed jobs', (group) => {
  group.setup(() => {
    if (!jobs.definitions().some((d) => d.name === explode.name)) jobs.register(explode)
    const workers = jobs.startWorkers(1)
    return async () => {
      await Promise.all(workers.map((worker) => worker.close()))
    }
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('organization admins see their failed jobs, retry and discard them', async ({ client, assert }) => {
    const { user, workspace } = await workspaceWithMember('owner')
    await makeOrganizationStaff(workspace, user, 'admin')
    const outsider = await workspaceWithMember('owner')
    await makeOrganizationStaff(outsider.workspace, outsider.user, 'admin')

    const queued = await jobs.dispatch(explode, { workspaceId: workspace.id })
    await waitUntilFailed(queued.id!)

    const page = await client.get(`/w/${workspace.slug}/jobs`).loginAs(user)
    page.assertStatus(200)
    assert.include(page.text(), 'test.explode')
    assert.include(page.text(), 'provider said no')

    // Another organization's staff never sees it, nor can act on it.
    const elsewhere = await client.get(`/w/${outsider.workspace.slug}/jobs`).loginAs(outsider.user)
    assert.notInclude(elsewhere.text(), `#${queued.id}`)
    const foreignRetry = await client
      .post(`/w/${outsider.workspace.slug}/jobs/default/${queued.id}/retry`)
      .loginAs(outsider.user)
      .withCsrfToken()
      .redirects(0)
    foreignRetry.assertStatus(404)

    const retry = await client
      .post(`/w/${workspace.slug}/jobs/default/${queued.id}/retry`)
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    retry.assertStatus(302)
    // It runs again (and fails again: the provider still says no).
    await waitUntilFailed(queued.id!)

    const discard = await client
      .delete(`/w/${workspace.slug}/jobs/default/${queued.id}`)
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    discard.assertStatus(302)
    assert.isUndefined(await jobs.queue('default').getJob(queued.id!))
  })

  test('a workspace admin who is not organization staff may not open the page', async ({ client }) => {
    const { user, workspace } = await workspaceWithMember('admin')
    const response = await client.get(`/w/${workspace.slug}/jobs`).loginAs(user)
    response.assertStatus(403)
  })
})
