import { PluginWorkspaceCommand } from '#plugins/plugin_workspace_command'

export default class PluginDisable extends PluginWorkspaceCommand {
  static commandName = 'plugin:disable'
  static description = 'Disable a plugin in one workspace (refused while enabled plugins require it); its data is kept'

  async run() {
    const { pluginEnablement, PluginDisableRefused } = await import('#plugins/enablement')
    const workspace = await this.target()
    if (!workspace) return
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
