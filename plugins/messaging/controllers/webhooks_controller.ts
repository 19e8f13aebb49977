import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Channel from '#messaging/models/channel'
import { webhookIsAuthentic } from '#messaging/services/webhook_auth'
import { pluginEnablement } from '#plugins/enablement'
import { jobs } from '#jobs/registry'
import { processWebhookEvent } from '#messaging/jobs/process_webhook_event'

/**
 * /webhooks/whatsapp/:channelId — the fixed contract every provider calls. Nothing is
 * acknowledged before it is stored: the raw event is written to PostgreSQL, then 200.
 */
export default class WebhooksController {
  /** Meta's subscription handshake: echo hub.challenge when hub.verify_token matches. */
  async handshake(ctx: HttpContext) {
    const channel = await this.#channel(ctx)
    const verifyToken = channel.credentials.verifyToken
    const query = ctx.request.qs()
    const matches =
      channel.provider === 'whatsapp-cloud' &&
      query['hub.mode'] === 'subscribe' &&
      !!verifyToken &&
      query['hub.verify_token'] === verifyToken
    if (!matches) return ctx.response.forbidden({ errors: [{ message: 'Verify token does not match' }] })
    return ctx.response.type('text/plain').send(String(query['hub.challenge'] ?? ''))
  }

  async receive(ctx: HttpContext) {
    const channel = await this.#channel(ctx)
    const body = ctx.request.raw() ?? ''
    const authentic = webhookIsAuthentic(channel, body, (name) => ctx.request.header(name), ctx.request.qs())
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
    // Meta's envelope (Cloud API, 360dialog) is processed now; Gupshup's parser is the next slice.
    // The event is durable either way: if the queue is unreachable, the row waits for the sweeper.
    if (channel.provider !== 'whatsapp-gupshup') {
      await jobs
        .dispatch(processWebhookEvent, { workspaceId: channel.workspaceId, eventId: Number(event.id) })
        .catch((error) => ctx.logger.error({ err: error, eventId: event.id }, 'webhook event not queued'))
    }
    return ctx.response.ok({ received: true })
  }

  /** The channel named in the URL, in a workspace where messaging is on; otherwise 404. */
  async #channel(ctx: HttpContext) {
    const id = String(ctx.params.channelId)
    const channel = /^\d{1,9}$/.test(id) ? await Channel.find(Number(id)) : null
    if (!channel || !(await pluginEnablement.enabledIn(channel.workspaceId)).has('messaging')) {
      return ctx.response.abort({ errors: [{ message: 'Unknown channel' }] }, 404) as never
    }
    return channel
  }
}
