import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class MarketplacePack extends BaseCommand {
  static commandName = 'marketplace:pack'
  static description = 'Bundle a package’s script with esbuild, hash every file and sign it with your Ed25519 key into dist/<id>-<version>.tgz'
  static options: CommandOptions = { startApp: false }

  @args.string({ description: 'Package folder', default: '.' })
  declare dir: string

  @flags.string({ description: 'Private key (PEM); created when missing (default ~/.config/switchboard/marketplace_ed25519.pem)' })
  declare key?: string

  async run() {
    const { pack } = await import('#marketplace/authoring')
    try {
      const packed = await pack(this.dir, this.key)
      this.logger.success(`${packed.manifest.id}@${packed.manifest.version} → ${packed.path} (${packed.archive.length} bytes, key ${packed.keyId})`)
      this.logger.log('Organizations that install it trust this public key:')
      this.logger.log(packed.publicPem.trim())
    } catch (error) {
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}
