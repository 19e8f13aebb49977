import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { errors } from '@vinejs/vine'
import Channel, { PROVIDERS } from '#messaging/models/channel'
import Message from '#messaging/models/message'
import MessageTemplate from '#messaging/models/message_template'
import { deleteChannel, storeChannel, updateChannel, type ChannelActor } from '#messaging/actions/save_channel'
import { syncTemplates } from '#messaging/actions/sync_templates'
import { storeChannelValidator, updateChannelValidator } from '#messaging/validators/channel'
import { webhookUrlOf } from '#messaging/presenters'
import { providers } from '#messaging/services/providers'
import { Refusal } from '#messaging/services/refusal'
import { findChannel, formAction, validateForm } from '#messaging/controllers/admin/forms'

/** The providers a channel can be connected through here: installed and turned on in the workspace. */
const availableProviders = ({ tenant }: HttpContext) => PROVIDERS.filter((name) => providers.find(name) && tenant.plugins.has(name))

/** hello_world, the template Meta gives every WhatsApp Business Account, among `templates` (approved only; en_US first). */
function helloWorldIn(templates: MessageTemplate[]) {
  const approved = templates.filter((template) => template.name === 'hello_world' && template.status.toUpperCase() === 'APPROVED')
  return approved.find((template) => template.language === 'en_US') ?? approved[0] ?? null
}

/** The channel's synced hello_world template, or null. */
export async function helloWorldOf(channel: Channel) {
  return helloWorldIn(await MessageTemplate.ofChannel(channel).where('name', 'hello_world'))
}

/** Workspace → Channels: the WhatsApp numbers, connecting one, its setup, health and settings. */
export default class ChannelsController {
  async index({ view, tenant }: HttpContext) {
    const channels = await Channel.query().where('workspace_id', tenant.workspace.id).orderBy('name').orderBy('id')
    return view.render('messaging::pages/index', { channels })
  }

  async create(ctx: HttpContext) {
    return ctx.view.render('messaging::pages/channels/create', { providers: availableProviders(ctx) })
  }

  async store(ctx: HttpContext) {
    return formAction(ctx, async () => {
      const input = await validateForm(ctx, storeChannelValidator)
      if (!availableProviders(ctx).includes(input.provider)) {
        const provider = ctx.i18n.t(`messaging.providers.${input.provider}`)
        throw new errors.E_VALIDATION_ERROR([{ field: 'provider', rule: 'enabled', message: ctx.i18n.t('messaging.connect.provider_off', { provider }) }])
      }
      const channel = await storeChannel(actor(ctx), input)
      ctx.session.flash('success', ctx.i18n.t('messaging.connect.connected'))
      return ctx.response.redirect().toRoute('messaging.channels.show', { workspace: ctx.tenant.workspace.slug, id: channel.id })
    })
  }

  async show(ctx: HttpContext) {
    const { view, tenant, request } = ctx
    const channel = await findChannel(ctx)
    const templates = await MessageTemplate.ofChannel(channel)
    // What deleting it would take with it, in one round trip.
    const scope = [tenant.workspace.id, channel.id]
    const { rows } = await db.rawQuery(
      'select (select count(*) from conversations where workspace_id = ? and channel_id = ?) as conversations, (select count(*) from messages where workspace_id = ? and channel_id = ?) as messages',
      [...scope, ...scope]
    )
    const counts = { conversations: Number(rows[0].conversations), messages: Number(rows[0].messages) }
    const testMessage = request.input('message')
      ? await Message.query().where('workspace_id', tenant.workspace.id).where('channel_id', channel.id).where('id', Number(request.input('message')) || 0).first()
      : null
    const credentials = channel.credentials ?? {}
    return view.render('messaging::pages/channels/show', {
      channel,
      webhookUrl: webhookUrlOf(channel),
      // Meta's console asks for it; every other credential stays on the server.
      verifyToken: channel.provider === 'whatsapp-cloud' && tenant.can('messaging.channels.manage') ? credentials.verifyToken : null,
      secretsSet: Object.fromEntries(Object.entries(credentials).map(([name, value]) => [name, !!value])),
      webhookHeaderName: credentials.webhookHeaderName ?? null,
      templates,
      helloWorld: helloWorldIn(templates),
      counts,
      testMessage,
    })
  }

  async update(ctx: HttpContext) {
    const channel = await findChannel(ctx)
    return formAction(ctx, async () => {
      // The provider cannot change; blank secrets arrive as null and are kept.
      const input = await validateForm(ctx, updateChannelValidator, { ...ctx.request.all(), provider: channel.provider })
      await updateChannel(actor(ctx), channel, input)
      ctx.session.flash('success', ctx.i18n.t('messaging.edit.saved'))
      return ctx.response.redirect().toRoute('messaging.channels.show', { workspace: ctx.tenant.workspace.slug, id: channel.id })
    })
  }

  async destroy(ctx: HttpContext) {
    const channel = await findChannel(ctx)
    await deleteChannel(actor(ctx), channel)
    ctx.session.flash('success', ctx.i18n.t('messaging.delete.deleted', { name: channel.name }))
    return ctx.response.redirect().toRoute('messaging.index', { workspace: ctx.tenant.workspace.slug })
  }

  async syncTemplates(ctx: HttpContext) {
    const channel = await findChannel(ctx)
    try {
      const templates = await syncTemplates(channel)
      ctx.session.flash('success', ctx.i18n.t('messaging.templates.synced', { count: templates.length }))
    } catch (error) {
      if (!(error instanceof Refusal)) throw error
      ctx.session.flash('error', error.message)
    }
    return ctx.response.redirect().toRoute('messaging.channels.show', { workspace: ctx.tenant.workspace.slug, id: channel.id })
  }
}

const actor = (ctx: HttpContext): ChannelActor => ({ workspace: ctx.tenant.workspace, userId: ctx.auth.user!.id, ctx })
