import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class QueueWork extends BaseCommand {
  static commandName = 'queue:work'
  static description = 'Run the background worker (BullMQ) until SIGTERM / SIGINT, then finish running jobs and exit'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.number({ description: 'Jobs run at once per queue', default: 5 })
  declare concurrency: number

  async run() {
    await import('#start/jobs')
    const { jobs } = await import('#jobs/registry')
    const { pluginEnablement } = await import('#plugins/enablement')
    const { listenForForgottenKeys } = await import('#core/process_cache')
    // Jobs emit hooks: the worker needs to know which plugins are on where, and hear changes.
    await pluginEnablement.ensureLoaded()
    await pluginEnablement.listen()
    await listenForForgottenKeys()
    // Jobs emit the hooks marketplace packages tap: load what is installed, and hear changes.
    const { startMarketplace } = await import('#marketplace/loader')
    await startMarketplace(this.logger)
    await jobs.schedule()
    const workers = jobs.startWorkers(this.concurrency)
    this.logger.info(`worker started: queues ${jobs.queueNames().join(', ')}`)

    let stopping = false
    const stop = async () => {
      if (stopping) return
      stopping = true
      this.logger.info('worker stopping: waiting for running jobs')
      // close() lets active jobs finish and takes no new ones.
      await Promise.all(workers.map((worker) => worker.close()))
      await jobs.close()
      await this.app.terminate()
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  }
}
