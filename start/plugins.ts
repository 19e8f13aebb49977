/*
| The plugin host at boot: discover plugins/*, validate and order them by their requirements,
| register their abilities, navigation and jobs, run their setup(host), and gate every hook
| tap by the plugin's enablement in the event's workspace.
*/
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { installedPlugins } from '#plugins/installed'
import { pluginRegistry } from '#plugins/registry'
import { bootPlugins } from '#plugins/boot'
import { pluginEnablement } from '#plugins/enablement'
import { listenForForgottenKeys } from '#core/process_cache'
import { hooks } from '#hooks/bus'
import { marketplace, PLUGIN_PREFIX } from '#marketplace/runtime'
import { notifyPackageDisabled } from '#sandbox/fault_notice'
import { recordDisabled, startMarketplace } from '#marketplace/loader'
import { abilities } from '#access/roles'
import { navigation } from '#ui/navigation'
import { jobs } from '#jobs/registry'
import edge from 'edge.js'

pluginRegistry.load(await installedPlugins())
// Marketplace packages are not plugins of the registry: the runtime knows where each is installed.
hooks.setGate((plugin, workspaceId) =>
  plugin.startsWith(PLUGIN_PREFIX) ? marketplace.isActive(plugin, workspaceId) : pluginEnablement.isEnabled(plugin, workspaceId)
)
// Faults that disable a package in a workspace are saved on its installation and reach its admins (app/sandbox/fault_notice.ts).
marketplace.onDisabled = (packageId, workspaceId, state) => {
  recordDisabled(workspaceId, packageId, state).catch((error) => logger.error({ err: error, packageId, workspaceId }, 'Could not save a disabled package'))
  notifyPackageDisabled(packageId, workspaceId, state).catch((error) => logger.error({ err: error, packageId, workspaceId }, 'Could not notify admins of a disabled package'))
}
jobs.setGate((plugin, workspaceId) => pluginEnablement.isEnabled(plugin, workspaceId))
await bootPlugins(pluginRegistry.all(), { hooks: () => hooks, abilities, navigation, jobs, logger })
for (const plugin of pluginRegistry.all()) {
  // A plugin's templates are `<plugin>::pages/...`.
  if (plugin.paths.views) edge.mount(plugin.name, plugin.paths.views)
}

if (app.getEnvironment() === 'web') {
  // Enablement changes and cached rows changed by other processes reach this one through Redis.
  await pluginEnablement.listen()
  await listenForForgottenKeys()
  await startMarketplace(logger)
}
