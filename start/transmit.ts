/*
| Who may listen to which SSE channel. A user hears their own channel, the channels of
| workspaces they can open, and plugins' workspace channels where the plugin is on.
*/
import transmit from '@adonisjs/transmit/services/main'
import type { HttpContext } from '@adonisjs/core/http'
import { accessToWorkspace } from '#tenancy/access'
import { installedPlugins } from '#plugins/installed'
import { mountPluginChannels } from '#plugins/channels'
import { pluginEnablement } from '#plugins/enablement'

async function signedInUser(ctx: HttpContext) {
  return (await ctx.auth.check()) ? ctx.auth.user! : null
}

async function canOpen(ctx: HttpContext, workspaceId: number) {
  const user = await signedInUser(ctx)
  return !!user && !!(await accessToWorkspace(user.id, { id: workspaceId }))
}

transmit.authorize<{ id: string }>('users/:id', async (ctx, { id }) => {
  const user = await signedInUser(ctx)
  return !!user && user.id === Number(id)
})

transmit.authorize<{ id: string }>('workspaces/:id', async (ctx, { id }) => {
  return /^\d+$/.test(id) && canOpen(ctx, Number(id))
})

await mountPluginChannels(await installedPlugins(), {
  authorize: (channel, check) => transmit.authorize(channel, check),
  allowed: async (ctx, workspaceId, plugin) =>
    (await canOpen(ctx, workspaceId)) && (await pluginEnablement.enabledIn(workspaceId)).has(plugin),
})
