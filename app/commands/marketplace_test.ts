import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class MarketplaceTest extends BaseCommand {
  static commandName = 'marketplace:test'
  static description = 'Run a package’s script in the real sandbox against fixture events (records and messages are recorded, not done)'
  // Booted: the hooks the script taps, and the runtime it runs in, are the app's.
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Package folder', default: '.' })
  declare dir: string

  @flags.string({ description: 'Fixture events (JSON array of { hook, payload, settings? }; default fixtures/events.json)' })
  declare events?: string

  @flags.array({ description: 'A secret for the run, NAME=value (repeatable)' })
  declare secret?: string[]

  async run() {
    const { dryRun } = await import('#marketplace/authoring')
    const path = this.events ?? join(this.dir, 'fixtures', 'events.json')
    if (!existsSync(path)) {
      this.logger.error(`No fixture events at ${path}`)
      this.exitCode = 1
      return
    }
    const secrets = Object.fromEntries((this.secret ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]))
    const { outcomes, logs, calls } = await dryRun(this.dir, JSON.parse(await readFile(path, 'utf8')), { secrets })
    for (const outcome of outcomes) {
      if (outcome.ok) this.logger.success(outcome.result === undefined ? outcome.hook : `${outcome.hook} → ${JSON.stringify(outcome.result)}`)
      else this.logger.error(`${outcome.hook}: ${outcome.error}`)
    }
    for (const call of calls) this.logger.info(`${call.capability}(${call.args.map((arg) => JSON.stringify(arg)).join(', ')})`)
    for (const line of logs) this.logger.log(`log: ${line}`)
    if (outcomes.some((outcome) => !outcome.ok)) this.exitCode = 1
  }
}
