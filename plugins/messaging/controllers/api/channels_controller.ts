import type { HttpContext } from '@adonisjs/core/http'
import Channel from '#messaging/models/channel'
import MessageTemplate from '#messaging/models/message_template'
import { deleteChannel, storeChannel, updateChannel, type ChannelActor } from '#messaging/actions/save_channel'
import { syncTemplates } from '#messaging/actions/sync_templates'
import { storeChannelValidator, updateChannelValidator } from '#messaging/validators/channel'
import { channelJson, templateJson } from '#messaging/presenters'

/** /api/v1/channels: the workspace's WhatsApp numbers and their templates. */
export default class ChannelsController {
  async index({ tenant, response }: HttpContext) {
    const channels = await Channel.query().where('workspace_id', tenant.workspace.id).orderBy('id')
    return response.json({ data: channels.map(channelJson) })
  }

  async show({ params, tenant, response }: HttpContext) {
    return response.json({ data: channelJson(await Channel.findInWorkspace(tenant.workspace.id, params.id)) })
  }

  async store(ctx: HttpContext) {
    const { request, response } = ctx
    const input = await request.validateUsing(storeChannelValidator)
    const channel = await storeChannel(actor(ctx), input)
    // The verify token Meta's console asks for is given once, when the server made it up.
    const generated = input.provider === 'whatsapp-cloud' && !('verifyToken' in input && input.verifyToken) ? { verifyToken: channel.credentials.verifyToken } : {}
    return response.created({ data: { ...channelJson(channel), ...generated } })
  }

  async update(ctx: HttpContext) {
    const { params, request, tenant, response } = ctx
    const channel = await Channel.findInWorkspace(tenant.workspace.id, params.id)
    const input = await request.validateUsing(updateChannelValidator, { data: { ...request.body(), provider: channel.provider } })
    return response.json({ data: channelJson(await updateChannel(actor(ctx), channel, input)) })
  }

  async destroy(ctx: HttpContext) {
    const channel = await Channel.findInWorkspace(ctx.tenant.workspace.id, ctx.params.id)
    await deleteChannel(actor(ctx), channel)
    return ctx.response.noContent()
  }

  async templates({ params, tenant, response }: HttpContext) {
    const channel = await Channel.findInWorkspace(tenant.workspace.id, params.id)
    const templates = await MessageTemplate.ofChannel(channel)
    return response.json({ data: templates.map(templateJson) })
  }

  async syncTemplates({ params, tenant, response }: HttpContext) {
    const channel = await Channel.findInWorkspace(tenant.workspace.id, params.id)
    return response.json({ data: (await syncTemplates(channel)).map(templateJson) })
  }
}

const actor = (ctx: HttpContext): ChannelActor => ({ workspace: ctx.tenant.workspace, userId: ctx.auth.use('api').user!.id, ctx })

