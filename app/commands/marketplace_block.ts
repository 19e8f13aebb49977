import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class MarketplaceBlock extends BaseCommand {
  static commandName = 'marketplace:block'
  static description = 'Block a marketplace package on this instance (it stops in every workspace at once), or lift the block'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Package id (reverse-DNS)' })
  declare id: string

  @flags.string({ description: 'Why (shown to publishers and admins)' })
  declare reason?: string

  @flags.boolean({ description: 'Lift the block instead' })
  declare unblock?: boolean

  async run() {
    const { blockPackage } = await import('#marketplace/actions/block_package')
    // The operator acts from the shell, the instance's top authority over what runs here.
    const stopped = await blockPackage(this.id, !this.unblock, { reason: this.reason ?? null })
    this.logger.success(this.unblock ? `Unblocked ${this.id} (${stopped} installations reloaded)` : `Blocked ${this.id}: stopped in ${stopped} workspaces`)
  }
}
