import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class MarketplaceNew extends BaseCommand {
  static commandName = 'marketplace:new'
  static description = 'Scaffold a marketplace package (manifest, script, README, fixture events, typings)'
  static options: CommandOptions = { startApp: false }

  @args.string({ description: 'Package id, reverse-DNS (com.example.my-package)' })
  declare id: string

  @flags.string({ description: 'Folder to create (default: ./<last part of the id>)' })
  declare dir?: string

  async run() {
    const { scaffold } = await import('#marketplace/authoring')
    const { ManifestError } = await import('#marketplace/manifest')
    const dir = this.dir ?? this.id.split('.').at(-1)!
    try {
      await scaffold(dir, this.id)
      this.logger.success(`Created ${dir}: edit manifest.json and src/index.js, then node ace marketplace:test ${dir} and marketplace:pack ${dir}`)
    } catch (error) {
      this.logger.error(error instanceof ManifestError ? `Not a valid package id: ${error.problems.join('; ')}` : (error as Error).message)
      this.exitCode = 1
    }
  }
}
