import type { HttpContext } from '@adonisjs/core/http'
import { pluginRegistry } from '#plugins/registry'
import { PluginDisableRefused, pluginEnablement } from '#plugins/enablement'

/** The Plugins page of a workspace: what is installed, what is on, and switching plugins on and off. */
export default class PluginsController {
  async index({ view, tenant }: HttpContext) {
    const enabled = tenant.plugins
    const plugins = pluginRegistry.all().map((plugin) => ({
      name: plugin.name,
      version: plugin.version,
      description: plugin.description,
      requires: Object.entries(plugin.requires.plugins).map(([name, range]) => `${name} ${range}`),
      enabled: enabled.has(plugin.name),
      // Switching it on also switches these on: shown beside the button before the click.
      alsoEnables: pluginRegistry.enableOrder(plugin.name, enabled).filter((name) => name !== plugin.name),
      blockedBy: pluginRegistry.disableCheck(plugin.name, enabled).blockers,
    }))
    return view.render('pages/workspace/plugins', { plugins })
  }

  async enable(ctx: HttpContext) {
    const plugin = this.#known(ctx)
    const turnedOn = await pluginEnablement.enable(ctx.tenant.workspace, plugin, ctx.auth.user!.id)
    ctx.session.flash('success', ctx.i18n.t('plugins.enabled', { names: turnedOn.join(', ') || plugin }))
    return ctx.response.redirect().toRoute('workspace.plugins.index', { workspace: ctx.tenant.workspace.slug })
  }

  async disable(ctx: HttpContext) {
    const plugin = this.#known(ctx)
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
    return ctx.response.redirect().toRoute('workspace.plugins.index', { workspace: ctx.tenant.workspace.slug })
  }

  #known(ctx: HttpContext) {
    const name = String(ctx.params.plugin)
    if (!pluginRegistry.has(name)) ctx.response.abort({ errors: [{ message: 'No such plugin' }] }, 404)
    return name
  }
}
