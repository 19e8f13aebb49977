import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class PluginDisable extends BaseCommand {
  static commandName = 'plugin:disable'
  static description = 'Disable a plugin in one workspace (refused while enabled plugins require it); its data is kept'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Plugin name' })
  declare name: string

  @flags.string({ description: 'Workspace slug', required: true })
  declare workspace: string

  async run() {
    const { default: Workspace } = await import('#tenancy/models/workspace')
    const { pluginRegistry } = await import('#plugins/registry')
    const { pluginEnablement, PluginDisableRefused } = await import('#plugins/enablement')

    if (!pluginRegistry.has(this.name)) {
      const installed = pluginRegistry.names()
      this.logger.error(
        `No plugin "${this.name}" is installed. ${installed.length ? `Installed: ${installed.join(', ')}` : 'No plugins are installed'}`
      )
      this.exitCode = 1
      return
    }
    const workspace = await Workspace.findBy('slug', this.workspace)
    if (!workspace) {
      this.logger.error(`No workspace "${this.workspace}"`)
      this.exitCode = 1
      return
    }
    if (!(await pluginEnablement.enabledIn(workspace.id)).has(this.name)) {
      this.logger.info(`${this.name} is not enabled in ${workspace.slug}`)
      return
    }

    try {
      // The operator acts from the shell: no user, so the audit log records no actor.
      await pluginEnablement.disable(workspace, this.name, null)
    } catch (error) {
      if (!(error instanceof PluginDisableRefused)) throw error
      this.logger.error(error.message)
      this.exitCode = 1
      return
    }
    this.logger.success(`Disabled ${this.name} in ${workspace.slug}; its data is kept`)
  }
}
