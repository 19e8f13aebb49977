import { PluginWorkspaceCommand } from '#plugins/plugin_workspace_command'

export default class PluginEnable extends PluginWorkspaceCommand {
  static commandName = 'plugin:enable'
  static description = 'Enable a plugin in one workspace, with the plugins it requires'

  async run() {
    const { pluginEnablement } = await import('#plugins/enablement')
    const { listNames } = await import('#plugins/discovery')
    const workspace = await this.target()
    if (!workspace) return

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
