/**
 * What the messaging tests share: a workspace with a provider on, an API token, a channel
 * connected through the real API to a real simulator, and waiting for background work.
 */
import env from '#start/env'
import { truncateTables } from '#tests/helpers/database'
import { createHmac, randomBytes } from 'node:crypto'
import { spawn, type ChildProcess } from 'node:child_process'
import app from '@adonisjs/core/services/app'
import type { ApiClient } from '@japa/api-client'
import { issueApiToken } from '#auth/api_tokens'
import { jobs } from '#jobs/registry'
import { forgetWakeUps } from '#jobs/wake_flags'
import { pluginEnablement } from '#plugins/enablement'
import { workspaceWithMember } from '#database/factories/index'
import type { Group } from '@japa/runner/core'
import { startSimulator, type Simulator, type NumberConfig } from '#simulator/simulator/server'

export const API_ABILITIES = ['messaging.view', 'messaging.channels.manage', 'messaging.send', 'messaging.contacts.manage']

/** A workspace whose owner has a token for the messaging API, with `provider` (and messaging) on. */
export async function apiWorkspace(provider = 'whatsapp-cloud') {
  const { workspace, user } = await workspaceWithMember('owner')
  await pluginEnablement.enable(workspace, provider, user.id)
  const { secret } = await issueApiToken(user, workspace, 'tests', API_ABILITIES)
  return { workspace, user, token: secret }
}

/** Hex HMAC-SHA256 of a webhook body, computed here independently of the code under test. */
export const hmacHex = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex')

/** Meta's X-Hub-Signature-256 of a body. */
export const metaSignature = (secret: string, body: string) => `sha256=${hmacHex(secret, body)}`

/** The platform under test, as the simulator reaches it. */
export const appUrl = () => `http://127.0.0.1:${env.get('PORT')}`

/**
 * Connects a whatsapp-cloud channel through POST /api/v1/channels and registers the same number
 * in the simulator, its webhooks pointed back at the platform.
 */
export async function connectCloudChannel(client: ApiClient, token: string, simulator: Simulator, options: Partial<NumberConfig> & { throughputPerSecond?: number } = {}) {
  const phoneNumberId = `${Date.now()}${randomBytes(2).readUInt16BE()}`
  const secrets = { accessToken: `EAAG${randomBytes(8).toString('hex')}`, appSecret: randomBytes(12).toString('hex') }
  const response = await client
    .post('/api/v1/channels')
    .bearerToken(token)
    .json({
      provider: 'whatsapp-cloud',
      name: 'Support',
      phoneNumber: '+15550001111',
      apiBaseUrl: simulator.url,
      phoneNumberId,
      wabaId: `waba${phoneNumberId}`,
      throughputPerSecond: options.throughputPerSecond ?? 80,
      ...secrets,
    })
  response.assertStatus(201)
  const channel = response.body().data as { id: number; webhookUrl: string }
  simulator.addNumber({
    mode: 'cloud',
    phoneNumberId,
    wabaId: `waba${phoneNumberId}`,
    displayPhone: '15550001111',
    webhookUrl: `${appUrl()}/webhooks/whatsapp/${channel.id}`,
    statusBehaviour: { delayMs: 5 },
    ...secrets,
    ...options,
  })
  return { channelId: channel.id, phoneNumberId }
}

/** Polls `check` until it holds (background jobs, webhooks), or fails naming `what`. */
export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** No job waiting or running in any queue (delayed retries aside). */
export async function jobsIdle() {
  for (const name of jobs.queueNames()) {
    const counts = await jobs.queue(name).getJobCounts('active', 'waiting', 'prioritized')
    if (counts.active + counts.waiting + counts.prioritized > 0) return false
  }
  return true
}

/**
 * Jobs that no worker will run (a test's workers are closed; a failed job's retry was queued
 * meanwhile): dropped, with their wake-up flags, so no later test waits for them or picks them up.
 */
export async function dropQueuedJobs() {
  for (const name of jobs.queueNames()) await jobs.queue(name).drain(true)
  await forgetWakeUps()
}

/** A worker process like production's (`node ace queue:work`), on the tests' database and Redis. */
export function startWorker(): ChildProcess {
  return spawn(process.execPath, ['ace', 'queue:work', '--concurrency', '8'], { cwd: app.appRoot, env: process.env, stdio: 'ignore' })
}

/**
 * For a group whose tests run background work against a real simulator: the simulator and
 * queue workers for the group, and, since jobs run outside any test transaction, truncation
 * after each test once the simulator and the queues are quiet (work still in flight would
 * deadlock with it).
 */
export function useSimulatorAndWorkers(group: Group, options: { seed: number; workers: number }) {
  const rig = {} as { simulator: Simulator }
  group.setup(async () => {
    await truncateTables()
    rig.simulator = await startSimulator({ seed: options.seed })
    const workers = jobs.startWorkers(options.workers)
    return async () => {
      await Promise.all(workers.map((worker) => worker.close()))
      await rig.simulator.close()
    }
  })
  group.each.setup(() => {
    return async () => {
      await rig.simulator.settle()
      await until(() => jobsIdle(), 'the queues to be idle')
      await truncateTables()
    }
  })
  return rig
}
