import { readFile } from 'node:fs/promises'
import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class MarketplacePublisherCreate extends BaseCommand {
  static commandName = 'marketplace:publisher'
  static description = 'Register a publisher of this instance’s registry with its Ed25519 public key, and print its upload token once'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Publisher name' })
  declare name: string

  @flags.string({ description: 'Path to the publisher’s public key (PEM)', required: true })
  declare key: string

  async run() {
    const { createPublisher } = await import('#marketplace/actions/create_publisher')
    try {
      const { publisher, token } = await createPublisher(this.name, await readFile(this.key, 'utf8'))
      this.logger.success(`Publisher ${publisher.name} (key ${publisher.keyId})`)
      this.logger.log(token)
    } catch (error) {
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}
