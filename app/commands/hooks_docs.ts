import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class HooksDocs extends BaseCommand {
  static commandName = 'hooks:docs'
  static description = 'Regenerate the hook catalogue table in docs/plugin-authoring.md from the hook bus'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { hooks } = await import('#hooks/bus')
    const { writeCatalogue } = await import('#hooks/docs')
    const file = this.app.makePath('docs/plugin-authoring.md')
    const changed = await writeCatalogue(file, hooks)
    this.logger.success(changed ? 'docs/plugin-authoring.md: hook catalogue updated' : 'docs/plugin-authoring.md is up to date')
  }
}
