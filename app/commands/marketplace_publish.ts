import { readFile } from 'node:fs/promises'
import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class MarketplacePublish extends BaseCommand {
  static commandName = 'marketplace:publish'
  static description = 'Upload a packed package (.tgz) to a registry with your publisher token'
  static options: CommandOptions = { startApp: false }

  @args.string({ description: 'The .tgz from marketplace:pack' })
  declare archive: string

  @flags.string({ description: 'Registry base URL (https://switchboard.example.com/marketplace)', required: true })
  declare registry: string

  @flags.string({ description: 'Publisher token (default: $SWITCHBOARD_PUBLISHER_TOKEN)' })
  declare token?: string

  async run() {
    const { publish } = await import('#marketplace/authoring')
    const token = this.token ?? process.env.SWITCHBOARD_PUBLISHER_TOKEN
    if (!token) {
      this.logger.error('A publisher token is needed: --token or SWITCHBOARD_PUBLISHER_TOKEN')
      this.exitCode = 1
      return
    }
    const answer = await publish(await readFile(this.archive), this.registry, token)
    if (answer.ok) {
      this.logger.success(`Published: ${JSON.stringify(answer.body.data)}`)
      return
    }
    const error = answer.body.errors?.[0]
    this.logger.error(`Refused (HTTP ${answer.status}${error?.code ? `, ${error.code}` : ''}): ${error?.message ?? 'no answer'}`)
    this.exitCode = 1
  }
}
