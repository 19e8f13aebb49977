import type { HttpContext } from '@adonisjs/core/http'
import type { Job } from 'bullmq'
import { jobs } from '#jobs/registry'
import db from '@adonisjs/lucid/services/db'

/**
 * Failed jobs for organization admins. A job belongs to the organization of the workspace
 * its payload names; each organization sees only its own.
 */
export default class FailedJobsController {
  async index({ view, tenant }: HttpContext) {
    const failed = await this.#failedOfOrganization(tenant.workspace.organizationId)
    return view.render('pages/workspace/failed_jobs', {
      failed: failed.map(({ queue, job }) => ({
        queue,
        id: job.id,
        name: job.name,
        attempts: job.attemptsMade,
        reason: job.failedReason,
        failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
        data: JSON.stringify(job.data).slice(0, 300),
      })),
    })
  }

  async retry(ctx: HttpContext) {
    const job = await this.#find(ctx)
    await job.retry('failed')
    ctx.session.flash('success', ctx.i18n.t('jobs.retried'))
    return ctx.response.redirect().toRoute('workspace.jobs.index', { workspace: ctx.tenant.workspace.slug })
  }

  async discard(ctx: HttpContext) {
    const job = await this.#find(ctx)
    await job.remove()
    ctx.session.flash('success', ctx.i18n.t('jobs.discarded'))
    return ctx.response.redirect().toRoute('workspace.jobs.index', { workspace: ctx.tenant.workspace.slug })
  }

  #workspaceIdsOf(organizationId: number) {
    return db
      .from('workspaces')
      .select('id')
      .where('organization_id', organizationId)
      .then((rows) => new Set(rows.map((row) => row.id as number)))
  }

  async #failedOfOrganization(organizationId: number) {
    const workspaceIds = await this.#workspaceIdsOf(organizationId)
    const failed: { queue: string; job: Job }[] = []
    for (const queue of jobs.queueNames()) {
      for (const job of await jobs.queue(queue).getFailed(0, 200)) {
        if (job && workspaceIds.has(job.data?.workspaceId)) failed.push({ queue, job })
      }
    }
    return failed
  }

  /** The failed job named in the URL, if it belongs to this organization; otherwise 404. */
  async #find(ctx: HttpContext) {
    const known = jobs.queueNames().includes(ctx.params.queue)
    const job = known ? await jobs.queue(ctx.params.queue).getJob(ctx.params.id) : undefined
    const ours = job && (await this.#workspaceIdsOf(ctx.tenant.workspace.organizationId)).has(job.data?.workspaceId)
    if (!ours || !(await job.isFailed())) ctx.response.abort({ errors: [{ message: 'Not found' }] }, 404)
    return job!
  }
}
