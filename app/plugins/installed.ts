import app from '@adonisjs/core/services/app'
import { discoverPlugins, type DiscoveredPlugin } from '#plugins/discovery'

/**
 * Where plugins are installed: the deployment's plugins/. Test runs add one fixture plugin
 * (tests/fixtures/installed) that uses every convention, so the host's wiring is tested
 * through a real plugin.
 */
export function pluginRoots() {
  // process.env, not app.inTest: ace asks for plugins' commands before the app has booted.
  const testRun = process.env.NODE_ENV === 'test'
  return [app.makePath('plugins'), ...(testRun ? [app.makePath('tests/fixtures/installed')] : [])]
}

let discovered: Promise<DiscoveredPlugin[]> | undefined

/**
 * The installed plugins in dependency order, discovered once per process. Config files read it
 * too (migration paths, language files), so it is shared with the boot in start/plugins.ts.
 */
export function installedPlugins() {
  discovered ??= discoverPlugins(pluginRoots())
  return discovered
}
