import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class PluginList extends BaseCommand {
  static commandName = 'plugin:list'
  static description = 'List the installed plugins in dependency order: version, requirements, and how many workspaces enabled each'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { pluginRegistry } = await import('#plugins/registry')
    const { default: PluginInstallation } = await import('#plugins/installation')

    const plugins = pluginRegistry.all()
    if (!plugins.length) {
      this.logger.info('No plugins installed. Create one with: node ace make:plugin <name>')
      return
    }

    const rows = await PluginInstallation.query()
      .where('enabled', true)
      .groupBy('plugin')
      .select('plugin')
      .count('* as total')
    const enabledIn = new Map(rows.map((row) => [row.plugin, Number(row.$extras.total)]))

    const table = this.ui.table()
    table.head(['Name', 'Version', 'Requires', 'Enabled in'])
    for (const plugin of plugins) {
      const requires = [
        ...(plugin.requires.core ? [`core ${plugin.requires.core}`] : []),
        ...Object.entries(plugin.requires.plugins).map(([name, range]) => `${name} ${range}`),
      ]
      const count = enabledIn.get(plugin.name) ?? 0
      table.row([
        plugin.name,
        plugin.version,
        requires.join(', ') || '-',
        `${count} ${count === 1 ? 'workspace' : 'workspaces'}`,
      ])
    }
    table.render()
  }
}
