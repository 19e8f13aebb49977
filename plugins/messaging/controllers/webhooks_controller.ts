import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Channel from '#messaging/models/channel'
import { providers } from '#messaging/services/providers'
import { pluginEnablement } from '#plugins/enablement'
import { webhookInbox } from '#messaging/services/webhook_inbox'
import { readRawBody } from '#core/raw_body'

const TOUCH_EVERY_MS = 10_000
// Providers send a few KB at most; this is the body parser's JSON limit.
const MAX_BODY_BYTES = 1024 * 1024

/**
 * The channel's "last webhook" (its health), written at most every 10 s: under load every
 * request updating the one channel row would queue them all behind its row lock. The condition
 * is checked again in SQL, so a burst that read the same old value writes once (or not at all,
 * when another process just did). The cached channel remembers it, so the next 10 s ask nothing.
 */
async function touchChannel(channel: Channel, now: Date) {
  const last = channel.lastWebhookAt?.toMillis() ?? 0
  if (now.getTime() - last < TOUCH_EVERY_MS) return
  const stale = new Date(now.getTime() - TOUCH_EVERY_MS)
  channel.lastWebhookAt = DateTime.fromJSDate(now)
  await db
    .from('channels')
    .where('id', channel.id)
    .where((query) => query.whereNull('last_webhook_at').orWhere('last_webhook_at', '<', stale))
    .update({ last_webhook_at: now })
}

/**
 * /webhooks/whatsapp/:channelId — the fixed contract every provider calls. Nothing is
 * acknowledged before it is stored: the raw event is written to PostgreSQL, then 200.
 */
export default class WebhooksController {
  /** Meta's subscription handshake: echo hub.challenge when hub.verify_token matches. */
  async handshake(ctx: HttpContext) {
    const channel = await this.#channel(ctx)
    const challenge = providers.get(channel.provider).handshake(channel, ctx.request.qs())
    if (challenge === null) return ctx.response.forbidden({ errors: [{ message: 'Verify token does not match' }] })
    return ctx.response.type('text/plain').send(challenge)
  }

  async receive(ctx: HttpContext) {
    const channel = await this.#channel(ctx)
    const encoding = ctx.request.header('content-encoding')
    if (encoding && encoding !== 'identity') {
      return ctx.response.status(415).send({ errors: [{ message: 'Compressed bodies are not accepted' }] })
    }
    const body = await readRawBody(ctx.request.request, MAX_BODY_BYTES)
    if (body === null) return ctx.response.status(413).send({ errors: [{ message: 'The body is larger than 1 MB' }] })
    const authentic = providers.get(channel.provider).verifyWebhook(channel, body, (name) => ctx.request.header(name), ctx.request.qs())
    if (!authentic) return ctx.response.unauthorized({ errors: [{ message: 'Signature missing or wrong' }] })
    try {
      JSON.parse(body)
    } catch {
      return ctx.response.badRequest({ errors: [{ message: 'The body is not JSON' }] })
    }
    // (A Date, not luxon's DateTime: this runs for every webhook.)
    const now = new Date()
    // Committed before the 200; its processing job is queued with it (or later by the sweeper).
    await webhookInbox.store({ workspace_id: channel.workspaceId, channel_id: channel.id, provider: channel.provider, body, received_at: now })
    await touchChannel(channel, now)
    return ctx.response.ok({ received: true })
  }

  /** The channel named in the URL, in a workspace where messaging and its provider are on; otherwise 404. */
  async #channel(ctx: HttpContext) {
    const id = String(ctx.params.channelId)
    const channel = /^\d{1,9}$/.test(id) ? await Channel.cached(Number(id)) : null
    const enabled = channel ? await pluginEnablement.enabledIn(channel.workspaceId) : null
    if (!channel || !enabled?.has('messaging') || !enabled.has(channel.provider) || !providers.find(channel.provider)) {
      return ctx.response.abort({ errors: [{ message: 'Unknown channel' }] }, 404) as never
    }
    return channel
  }
}
