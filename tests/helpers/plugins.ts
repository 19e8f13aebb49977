import app from '@adonisjs/core/services/app'
import type { Group } from '@japa/runner/core'
import { discoverPlugins } from '#plugins/discovery'
import { pluginRegistry } from '#plugins/registry'

/**
 * For the group's tests, the plugin registry holds the fixture plugins of `fixture` (a folder
 * under tests/fixtures/plugins) instead of the installed ones; restored afterwards.
 */
export function useFixturePlugins(group: Group, fixture: string) {
  group.setup(async () => {
    const installed = pluginRegistry.all()
    pluginRegistry.load(await discoverPlugins(app.makePath('tests/fixtures/plugins', fixture)))
    return () => {
      pluginRegistry.load(installed)
    }
  })
}
