/**
 * Wires discovered plugins into the core registries and runs their `setup(host)`, in
 * dependency order. Per-workspace gating (disabled = invisible) is applied where these
 * registries are read, not here: everything installed is registered once per process.
 */
import type { Logger } from '@adonisjs/core/logger'
import type { abilities as abilityRegistry } from '#access/roles'
import type { navigation as navigationRegistry } from '#ui/navigation'
import type { jobs as jobRegistry } from '#jobs/registry'
import type { PluginHost, PluginHostHooks } from '#plugins/define_plugin'
import type { DiscoveredPlugin } from '#plugins/discovery'

/** Where a plugin's parts go: the core registries (or stand-ins in tests). */
export interface PluginTargets {
  abilities: { register(...args: Parameters<(typeof abilityRegistry)['register']>): unknown }
  navigation: { add(...args: Parameters<(typeof navigationRegistry)['add']>): unknown }
  jobs: { register(...args: Parameters<(typeof jobRegistry)['register']>): unknown }
}

/** Registers a plugin's abilities, navigation items (key defaults to the route name) and jobs. */
export function registerPlugin(plugin: DiscoveredPlugin, targets: PluginTargets) {
  const { definition } = plugin
  for (const [name, ability] of Object.entries(definition.abilities ?? {})) {
    targets.abilities.register(name, { description: ability.description, roles: ability.roles })
  }
  for (const item of definition.navigation ?? []) {
    targets.navigation.add({ ...item, key: item.key ?? item.route, plugin: plugin.name })
  }
  if (definition.jobs?.length) targets.jobs.register(...definition.jobs.map((job) => ({ ...job, plugin: plugin.name })))
}

export interface HostServices {
  /** The hook bus as this plugin sees it (e.g. a view that fills in `plugin`). */
  hooks: (plugin: DiscoveredPlugin) => PluginHostHooks
  abilities: typeof abilityRegistry
  navigation: typeof navigationRegistry
  jobs: typeof jobRegistry
  logger: Logger
}

/** Builds the `host` a plugin's setup receives. */
export function createHost(plugin: DiscoveredPlugin, services: HostServices): PluginHost {
  return {
    plugin: { name: plugin.name, version: plugin.version, root: plugin.root },
    hooks: services.hooks(plugin),
    abilities: services.abilities,
    navigation: services.navigation,
    jobs: services.jobs,
    logger: services.logger.child({ plugin: plugin.name }),
  }
}

/** Registers every plugin, then runs each `setup` in order; a failing setup names its plugin. */
export async function bootPlugins(plugins: DiscoveredPlugin[], services: HostServices) {
  for (const plugin of plugins) registerPlugin(plugin, services)
  for (const plugin of plugins) {
    if (!plugin.definition.setup) continue
    try {
      await plugin.definition.setup(createHost(plugin, services))
    } catch (error) {
      throw new Error(`Plugin ${plugin.name} failed in setup: ${(error as Error).message}`, { cause: error })
    }
  }
}
