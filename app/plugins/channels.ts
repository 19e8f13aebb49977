import { pathToFileURL } from 'node:url'
import type { HttpContext } from '@adonisjs/core/http'
import type { DiscoveredPlugin } from '#plugins/discovery'

type Check = (ctx: HttpContext, params: { id: string } & Record<string, string>) => boolean | Promise<boolean>

/**
 * A plugin's channels.ts: the SSE channels it broadcasts on. Every channel is a workspace's,
 * named `workspaces/:id/<plugin>/<name>`; the host lets a browser listen only when its user
 * can open that workspace and the plugin is on there, then asks the plugin's own check.
 */
export interface PluginChannels {
  workspace(name: string, check?: Check): void
}

export function definePluginChannels(register: (channels: PluginChannels) => void) {
  return register
}

export interface ChannelHost {
  authorize(channel: string, check: Check): void
  /** May the signed-in user of `ctx` listen to workspace `id` for `plugin`? */
  allowed(ctx: HttpContext, workspaceId: number, plugin: string): Promise<boolean>
}

/** Registers every plugin's channels.ts with the host's authorization in front. */
export async function mountPluginChannels(plugins: DiscoveredPlugin[], host: ChannelHost) {
  for (const plugin of plugins) {
    if (!plugin.paths.channels) continue
    const register: (channels: PluginChannels) => void = (await import(pathToFileURL(plugin.paths.channels).href)).default
    register({
      workspace(name, check) {
        host.authorize(`workspaces/:id/${plugin.name}/${name}`, async (ctx, params) => {
          if (!/^\d+$/.test(params.id) || !(await host.allowed(ctx, Number(params.id), plugin.name))) return false
          return check ? check(ctx, params) : true
        })
      },
    })
  }
}
