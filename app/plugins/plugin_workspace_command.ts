import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/** `plugin:enable|disable <name> --workspace <slug>`: the argument checks both share. */
export abstract class PluginWorkspaceCommand extends BaseCommand {
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Plugin name' })
  declare name: string

  @flags.string({ description: 'Workspace slug', required: true })
  declare workspace: string

  /** The workspace to act on, or null after saying what is wrong (exit code 1). */
  protected async target() {
    const { default: Workspace } = await import('#tenancy/models/workspace')
    const { pluginRegistry } = await import('#plugins/registry')
    if (!pluginRegistry.has(this.name)) {
      const installed = pluginRegistry.names()
      this.logger.error(
        `No plugin "${this.name}" is installed. ${installed.length ? `Installed: ${installed.join(', ')}` : 'No plugins are installed'}`
      )
      this.exitCode = 1
      return null
    }
    const workspace = await Workspace.findBy('slug', this.workspace)
    if (!workspace) {
      this.logger.error(`No workspace "${this.workspace}"`)
      this.exitCode = 1
      return null
    }
    return workspace
  }
}
