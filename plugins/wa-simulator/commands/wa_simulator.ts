import { readFile } from 'node:fs/promises'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import type { NumberConfig } from '#simulator/simulator/types'

export default class WaSimulator extends BaseCommand {
  static commandName = 'wa:simulator'
  static description = 'Run the loopback WhatsApp API (Cloud API, 360dialog, Gupshup) with its phone page, until SIGINT / SIGTERM'
  // A development tool: no database, Redis or app boot.
  static options: CommandOptions = { startApp: false, staysAlive: true }

  @flags.number({ description: 'Port to listen on', default: 4010 })
  declare port: number

  @flags.string({ description: 'Address to listen on (default 127.0.0.1)' })
  declare host?: string

  @flags.number({ description: 'Seed for ids, shuffling and duplicates (replayable runs)' })
  declare seed?: number

  @flags.string({ description: 'A JSON file with number configs (an array, or { "numbers": [...] })' })
  declare numbers?: string

  async run() {
    const { startSimulator } = await import('#simulator/simulator/server')
    let configs: NumberConfig[] = []
    try {
      configs = this.numbers ? await readNumbers(this.numbers) : []
    } catch (error) {
      return this.#fail(`Cannot read numbers from ${this.numbers}: ${(error as Error).message}`)
    }

    const simulator = await startSimulator({
      port: this.port,
      host: this.host,
      seed: this.seed,
      logger: (line) => this.logger.log(this.colors.dim(line)),
    }).catch((error: Error) => this.#fail(`Cannot listen on port ${this.port}: ${error.message}`))
    if (!simulator) return
    try {
      for (const config of configs) simulator.addNumber(config)
    } catch (error) {
      await simulator.close()
      return this.#fail((error as Error).message)
    }

    this.logger.success(`WhatsApp simulator on ${simulator.url}`)
    this.logger.info(`phone page: ${simulator.url}/phone`)
    this.logger.info(`control API: ${simulator.url}/_sim (numbers: ${simulator.numbers().length})`)

    let stopping = false
    const stop = async () => {
      if (stopping) return
      stopping = true
      this.logger.info('simulator stopping')
      await simulator.close()
      await this.app.terminate()
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  }

  /** Ace reads a staying-alive command's exitCode only on a later terminate, so the process's is set too. */
  async #fail(message: string) {
    this.logger.error(message)
    this.exitCode = process.exitCode = 1
    await this.app.terminate()
  }
}

/** An array of number configs, or { "numbers": [...] }. */
async function readNumbers(path: string): Promise<NumberConfig[]> {
  const parsed = JSON.parse(await readFile(path, 'utf8'))
  const list = Array.isArray(parsed) ? parsed : parsed?.numbers
  if (!Array.isArray(list)) throw new Error('expected an array of number configs or { "numbers": [...] }')
  return list
}
