import { Queue, Worker, type Job, type JobsOptions, type ConnectionOptions, type MinimalJob } from 'bullmq'
import env from '#start/env'
import logger from '@adonisjs/core/services/logger'

/**
 * Typed job definitions. A definition names its queue, how often it retries (with
 * exponential backoff) and, for scheduled work, its repeat rule. Payloads that belong to
 * a tenant carry `workspaceId`, which the failed-jobs page uses to show each organization
 * only its own jobs.
 */
export interface JobDefinition<Payload> {
  name: string
  queue?: string
  attempts?: number
  /** First retry delay in ms; doubles each attempt, with jitter (see `retryDelay`). */
  backoff?: number
  /** Jobs of its queue run at once per worker process (the queue takes its definitions' largest). */
  concurrency?: number
  repeat?: { every: number } | { pattern: string }
  /** Set by the plugin host for a plugin's jobs: they do nothing where the plugin is off. */
  plugin?: string
  handle(payload: Payload, job: Job<Payload>): Promise<void>
}

/** May `plugin`'s job run for `workspaceId`? (The plugin host installs it.) */
export type JobGate = (plugin: string, workspaceId: number | null) => boolean

export function defineJob<Payload = Record<string, never>>(definition: JobDefinition<Payload>) {
  return definition
}

export const DEFAULT_QUEUE = 'default'

const MAX_RETRY_DELAY_MS = 10 * 60_000

/**
 * Exponential backoff with full jitter (so a burst of failures does not retry in lockstep),
 * capped; an error that says when to come back (`retryAfter`, seconds) is not retried sooner.
 */
export function retryDelay(attemptsMade: number, firstDelay: number, error?: Error) {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, firstDelay * 2 ** Math.max(0, attemptsMade - 1))
  const jittered = Math.round(ceiling / 2 + Math.random() * (ceiling / 2))
  const retryAfter = Number((error as { retryAfter?: unknown } | undefined)?.retryAfter)
  return Number.isFinite(retryAfter) && retryAfter > 0 ? Math.max(jittered, retryAfter * 1000) : jittered
}

function connection(): ConnectionOptions {
  return {
    host: env.get('REDIS_HOST'),
    port: env.get('REDIS_PORT'),
    password: env.get('REDIS_PASSWORD') || undefined,
    db: env.get('REDIS_DB', 0),
    // BullMQ workers block on Redis; ioredis must not give up on them.
    maxRetriesPerRequest: null,
  }
}

class JobRegistry {
  #definitions = new Map<string, JobDefinition<any>>()
  #queues = new Map<string, Queue>()
  #gate: JobGate = () => true

  setGate(gate: JobGate) {
    this.#gate = gate
  }

  register(...definitions: JobDefinition<any>[]) {
    for (const definition of definitions) {
      if (this.#definitions.has(definition.name)) throw new Error(`Job "${definition.name}" is registered twice`)
      this.#definitions.set(definition.name, definition)
    }
  }

  definitions() {
    return [...this.#definitions.values()]
  }

  queueNames() {
    return [...new Set(this.definitions().map((d) => d.queue ?? DEFAULT_QUEUE))]
  }

  queue(name: string) {
    let queue = this.#queues.get(name)
    if (!queue) {
      queue = new Queue(name, { connection: connection(), prefix: 'sb' })
      this.#queues.set(name, queue)
    }
    return queue
  }

  /** A job's options: its definition's retries and retention, then `overrides`. */
  options(definition: JobDefinition<any>, overrides: JobsOptions = {}): JobsOptions {
    return {
      attempts: definition.attempts ?? 5,
      backoff: { type: 'jittered', delay: definition.backoff ?? 1000 },
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 14 * 24 * 3600 },
      ...overrides,
    }
  }

  /** Enqueues a job; returns once Redis holds it. */
  dispatch<P>(definition: JobDefinition<P>, payload: P, options: JobsOptions = {}) {
    return this.queue(definition.queue ?? DEFAULT_QUEUE).add(definition.name, payload, this.options(definition, options))
  }

  /** Registers repeatable jobs' schedules (idempotent, safe on every worker start). */
  async schedule() {
    for (const definition of this.definitions()) {
      if (!definition.repeat) continue
      await this.queue(definition.queue ?? DEFAULT_QUEUE).upsertJobScheduler(definition.name, definition.repeat, {
        name: definition.name,
        data: {},
      })
    }
  }

  /** Starts one BullMQ worker per queue; each job runs its definition's handler. */
  startWorkers(concurrency = 5) {
    return this.queueNames().map(
      (name) =>
        new Worker(
          name,
          async (job) => {
            const definition = this.#definitions.get(job.name)
            if (!definition) throw new Error(`No job definition named "${job.name}"`)
            const workspaceId = (job.data as { workspaceId?: number } | undefined)?.workspaceId ?? null
            // A disabled plugin's job completes without doing anything.
            if (definition.plugin && !this.#gate(definition.plugin, workspaceId)) return
            await definition.handle(job.data, job)
          },
          {
            connection: connection(),
            prefix: 'sb',
            concurrency: Math.max(concurrency, ...this.definitions().filter((d) => (d.queue ?? DEFAULT_QUEUE) === name).map((d) => d.concurrency ?? 0)),
            settings: {
              backoffStrategy: (attemptsMade: number, _type?: string, error?: Error, job?: MinimalJob) =>
                retryDelay(attemptsMade, Number((job?.opts.backoff as { delay?: number } | undefined)?.delay ?? 1000), error),
            },
          }
        )
          .on('failed', (job, error) =>
            logger.warn({ job: job?.name, id: job?.id, attempt: job?.attemptsMade, err: error }, 'job failed')
          )
          .on('error', (error) => logger.error({ err: error }, 'worker error'))
    )
  }

  async close() {
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()))
    this.#queues.clear()
  }
}

export const jobs = new JobRegistry()
