/**
 * What the messaging tests share: a workspace with a provider on, an API token, a channel
 * connected through the real API to a real simulator, and waiting for background work.
 */
import env from '#start/env'
import { randomBytes } from 'node:crypto'
import type { ApiClient } from '@japa/api-client'
import { issueApiToken } from '#auth/api_tokens'
import { jobs } from '#jobs/registry'
import { pluginEnablement } from '#plugins/enablement'
import { workspaceWithMember } from '#database/factories/index'
import type { Simulator, NumberConfig } from '#simulator/simulator/server'

export const API_ABILITIES = ['messaging.view', 'messaging.channels.manage', 'messaging.send', 'messaging.contacts.manage']

/** A workspace whose owner has a token for the messaging API, with `provider` (and messaging) on. */
export async function apiWorkspace(provider = 'whatsapp-cloud') {
  const { workspace, user } = await workspaceWithMember('owner')
  await pluginEnablement.enable(workspace, provider, user.id)
  const { secret } = await issueApiToken(user, workspace, 'tests', API_ABILITIES)
  return { workspace, user, token: secret }
}

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
