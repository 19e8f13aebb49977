import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class PluginEnable extends BaseCommand {
  static commandName = 'plugin:enable'
  static description = 'Enable a plugin in one workspace, with the plugins it requires'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Plugin name' })
  declare name: string

  @flags.string({ description: 'Workspace slug', required: true })
  declare workspace: string

  async run() {
    const { default: Workspace } = await import('#tenancy/models/workspace')
    const { pluginRegistry } = await import('#plugins/registry')
    const { pluginEnablement } = await import('#plugins/enablement')
    const { listNames } = await import('#plugins/discovery')

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

    // The operator acts from the shell: no user, so the audit log records no actor.
    const turnedOn = await pluginEnablement.enable(workspace, this.name, null)
    if (!turnedOn.length) {
      this.logger.info(`${this.name} is already enabled in ${workspace.slug}`)
      return
    }
    const required = turnedOn.filter((name) => name !== this.name)
    if (required.length) {
      this.logger.info(`${this.name} requires ${listNames(required)}: enabled ${turnedOn.join(' → ')}`)
    }
    this.logger.success(`Enabled ${this.name} in ${workspace.slug} (/w/${workspace.slug})`)
  }
}
