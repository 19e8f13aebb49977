import type { HttpContext } from '@adonisjs/core/http'
import { pluginRegistry } from '#plugins/registry'
import type { SlotName } from '#plugins/define_plugin'

/**
 * Renders a UI slot (`dashboard.widgets`, `contact.sidebar`, ...): each enabled plugin that
 * fills it, in `order`, if the viewer holds its ability. A fill that fails to load or render
 * is left out (and logged) rather than breaking the page around it.
 */
export async function renderSlot(ctx: HttpContext, slot: SlotName, props: Record<string, unknown> = {}) {
  const fills = pluginRegistry
    .all()
    .filter((plugin) => ctx.tenant.plugins.has(plugin.name))
    .flatMap((plugin) => {
      const fill = plugin.definition.slots?.[slot]
      return fill && (!fill.ability || ctx.tenant.can(fill.ability)) ? [{ plugin: plugin.name, ...fill }] : []
    })
    .sort((a, b) => (a.order ?? 100) - (b.order ?? 100))

  const html: string[] = []
  for (const fill of fills) {
    try {
      const data = fill.load ? await fill.load({ http: ctx, workspaceId: ctx.tenant.workspace.id, props }) : {}
      html.push(await ctx.view.render(fill.view, { ...props, ...data }))
    } catch (error) {
      ctx.logger.error({ err: error, plugin: fill.plugin, slot }, 'slot fill failed')
    }
  }
  return html.join('\n')
}
