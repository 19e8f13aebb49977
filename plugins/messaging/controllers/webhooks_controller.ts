import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Channel from '#messaging/models/channel'
import { providers } from '#messaging/services/providers'
import { pluginEnablement } from '#plugins/enablement'
import { queueWebhookEvent } from '#messaging/jobs/process_webhook_event'

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
    const body = ctx.request.raw() ?? ''
    const authentic = providers.get(channel.provider).verifyWebhook(channel, body, (name) => ctx.request.header(name), ctx.request.qs())
    if (!authentic) return ctx.response.unauthorized({ errors: [{ message: 'Signature missing or wrong' }] })
    try {
      JSON.parse(body)
    } catch {
      return ctx.response.badRequest({ errors: [{ message: 'The body is not JSON' }] })
    }
    const now = DateTime.now()
    const [event] = await db
      .table('webhook_events')
      .insert({ workspace_id: channel.workspaceId, channel_id: channel.id, provider: channel.provider, body, received_at: now.toSQL() })
      .returning('id')
    await db.from('channels').where('id', channel.id).update({ last_webhook_at: now.toSQL() })
    // The event is durable: if the queue is unreachable, the row waits for the sweeper.
    await queueWebhookEvent(channel.workspaceId, Number(event.id)).catch((error) => ctx.logger.error({ err: error, eventId: event.id }, 'webhook event not queued'))
    return ctx.response.ok({ received: true })
  }

  /** The channel named in the URL, in a workspace where messaging and its provider are on; otherwise 404. */
  async #channel(ctx: HttpContext) {
    const id = String(ctx.params.channelId)
    const channel = /^\d{1,9}$/.test(id) ? await Channel.find(Number(id)) : null
    const enabled = channel ? await pluginEnablement.enabledIn(channel.workspaceId) : null
    if (!channel || !enabled?.has('messaging') || !enabled.has(channel.provider) || !providers.find(channel.provider)) {
      return ctx.response.abort({ errors: [{ message: 'Unknown channel' }] }, 404) as never
    }
    return channel
  }
}
