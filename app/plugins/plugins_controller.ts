import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import { pluginRegistry } from '#plugins/registry'
import { PluginDisableRefused, pluginEnablement } from '#plugins/enablement'
import { policiesOf, setPolicy } from '#plugins/policies'
import { saveSettings, settingsFields, settingsOf, settingsValidator } from '#plugins/settings'
import { PluginDataRefused, exportPluginData, removePluginData } from '#plugins/data'

const policyValidator = vine.compile(
  vine.object({
    enabledByDefault: vine.boolean().optional(),
    hidden: vine.boolean().optional(),
  })
)

/**
 * The Plugins page of a workspace: what is installed, what is on, switching plugins on and off.
 * Organization staff also choose, per plugin, what new workspaces start with and what client
 * workspaces may not see.
 */
export default class PluginsController {
  async index({ view, tenant }: HttpContext) {
    const enabled = tenant.plugins
    const policies = await policiesOf(tenant.workspace.organizationId)
    const staff = tenant.organizationRole !== null
    const plugins = pluginRegistry
      .all()
      .filter((plugin) => staff || !policies.get(plugin.name)!.hidden)
      .map((plugin) => ({
        name: plugin.name,
        version: plugin.version,
        description: plugin.description,
        requires: Object.entries(plugin.requires.plugins).map(([name, range]) => `${name} ${range}`),
        enabled: enabled.has(plugin.name),
        policy: policies.get(plugin.name)!,
        // Switching it on also switches these on: shown beside the button before the click.
        alsoEnables: pluginRegistry.enableOrder(plugin.name, enabled).filter((name) => name !== plugin.name),
        blockedBy: pluginRegistry.disableCheck(plugin.name, enabled).blockers,
        hasSettings: !!plugin.definition.settings,
        hasData: !!plugin.definition.data,
      }))
    return view.render('pages/workspace/plugins', { plugins, staff })
  }

  async enable(ctx: HttpContext) {
    const plugin = await this.#visible(ctx)
    const turnedOn = await pluginEnablement.enable(ctx.tenant.workspace, plugin, ctx.auth.user!.id)
    ctx.session.flash('success', ctx.i18n.t('plugins.enabled', { names: turnedOn.join(', ') || plugin }))
    return this.#back(ctx)
  }

  async disable(ctx: HttpContext) {
    const plugin = await this.#visible(ctx)
    try {
      await pluginEnablement.disable(ctx.tenant.workspace, plugin, ctx.auth.user!.id)
      ctx.session.flash('success', ctx.i18n.t('plugins.disabled', { name: plugin }))
    } catch (error) {
      if (!(error instanceof PluginDisableRefused)) throw error
      if (ctx.request.accepts(['html', 'json']) === 'json') {
        return ctx.response.conflict({ errors: [{ message: error.message, blockers: error.blockers }] })
      }
      ctx.session.flash('error', ctx.i18n.t('plugins.disable_refused', { name: plugin, names: error.blockers.join(', ') }))
    }
    return this.#back(ctx)
  }

  async editSettings(ctx: HttpContext) {
    const plugin = await this.#visible(ctx)
    if (!pluginRegistry.getOrFail(plugin).definition.settings) return ctx.response.notFound()
    const values = await settingsOf(ctx.tenant.workspace.id, plugin)
    return ctx.view.render('pages/workspace/plugin_settings', { plugin, fields: settingsFields(plugin), values })
  }

  async updateSettings(ctx: HttpContext) {
    const plugin = await this.#visible(ctx)
    if (!pluginRegistry.getOrFail(plugin).definition.settings) return ctx.response.notFound()
    const values = await ctx.request.validateUsing(settingsValidator(plugin))
    await saveSettings(ctx.tenant.workspace, plugin, values as Record<string, unknown>, ctx.auth.user!.id)
    ctx.session.flash('success', ctx.i18n.t('settings.saved'))
    return ctx.response.redirect().toRoute('workspace.plugins.settings', { workspace: ctx.tenant.workspace.slug, plugin })
  }

  /** The plugin's rows of this workspace as a JSON download: offered before "Remove data". */
  async exportData(ctx: HttpContext) {
    const plugin = await this.#visible(ctx)
    const data = await exportPluginData(ctx.tenant.workspace.id, plugin)
    ctx.response.header('content-disposition', `attachment; filename="${ctx.tenant.workspace.slug}-${plugin}.json"`)
    return ctx.response.json(data)
  }

  async removeData(ctx: HttpContext) {
    const plugin = await this.#visible(ctx)
    try {
      await removePluginData(ctx.tenant.workspace, plugin, ctx.auth.user!.id)
      ctx.session.flash('success', ctx.i18n.t('plugins.data_removed', { name: plugin }))
    } catch (error) {
      if (!(error instanceof PluginDataRefused)) throw error
      if (ctx.request.accepts(['html', 'json']) === 'json') return ctx.response.conflict({ errors: [{ message: error.message }] })
      ctx.session.flash('error', ctx.i18n.t('plugins.turn_off_first', { name: plugin }))
    }
    return this.#back(ctx)
  }

  /** Organization staff only (route ability organization.manage). */
  async updatePolicy(ctx: HttpContext) {
    const plugin = await this.#visible(ctx)
    const input = await ctx.request.validateUsing(policyValidator)
    await setPolicy(
      ctx.tenant.workspace.organizationId,
      plugin,
      { enabledByDefault: input.enabledByDefault ?? false, hidden: input.hidden ?? false },
      ctx.auth.user!.id
    )
    ctx.session.flash('success', ctx.i18n.t('settings.saved'))
    return this.#back(ctx)
  }

  /** The plugin named in the URL, if installed and not hidden from this (client) workspace; else 404. */
  async #visible(ctx: HttpContext) {
    const name = String(ctx.params.plugin)
    const hidden =
      pluginRegistry.has(name) &&
      ctx.tenant.organizationRole === null &&
      (await policiesOf(ctx.tenant.workspace.organizationId)).get(name)!.hidden
    if (!pluginRegistry.has(name) || hidden) ctx.response.abort({ errors: [{ message: 'No such plugin' }] }, 404)
    return name
  }

  #back(ctx: HttpContext) {
    return ctx.response.redirect().toRoute('workspace.plugins.index', { workspace: ctx.tenant.workspace.slug })
  }
}
