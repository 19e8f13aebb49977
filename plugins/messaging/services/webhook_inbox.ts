import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { wakeWebhookProcessing } from '#messaging/jobs/process_webhook_events'

export interface StoredWebhook {
  workspace_id: number
  channel_id: number
  provider: string
  body: string
  received_at: Date
}

interface Waiting {
  row: StoredWebhook
  resolve: () => void
  reject: (error: unknown) => void
}

/**
 * INSERTs on their way at once. A webhook arriving while they are all on their way waits for
 * one of them to come back, then goes with every other that arrived meanwhile: idle, a webhook
 * is written at once; under load, the batches grow by themselves with the time a commit takes.
 */
const IN_FLIGHT = 2
const MAX_BATCH = 100
/**
 * After a commit the processing is woken at once when the last wake-up is older than this;
 * otherwise once this long after the last, for every commit meanwhile. Under load a Redis call
 * per INSERT was a good part of the web process's time, and the flag is up anyway while the
 * worker is busy.
 */
const WAKE_EVERY_MS = 10

/**
 * Stores webhooks durably before they are acknowledged, many per statement: under load each
 * request joins the INSERT being prepared, so a burst costs one commit (and its fsync) instead
 * of one each. `store()` resolves once the row is committed: only then may the caller answer
 * 200, without waiting for the wake-up of their processing (one job for all the batches stored
 * meanwhile); should that fail, the rows wait for the sweeper.
 */
class WebhookInbox {
  #waiting: Waiting[] = []
  #inFlight = 0
  #wokeAt = 0
  #wakeTimer: NodeJS.Timeout | null = null

  store(row: StoredWebhook) {
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ row, resolve, reject })
      this.#next()
    })
  }

  #next() {
    if (this.#inFlight >= IN_FLIGHT || !this.#waiting.length) return
    this.#inFlight++
    void this.#write(this.#waiting.splice(0, MAX_BATCH))
  }

  async #write(batch: Waiting[]) {
    const rows = batch.map((waiting) => waiting.row)
    try {
      // One array per column: five parameters whatever the batch's size.
      await db.rawQuery(
        `insert into webhook_events (workspace_id, channel_id, provider, body, received_at)
         select * from unnest(?::int[], ?::int[], ?::text[], ?::text[], ?::timestamptz[])`,
        [rows.map((row) => row.workspace_id), rows.map((row) => row.channel_id), rows.map((row) => row.provider), rows.map((row) => row.body), rows.map((row) => row.received_at)]
      )
    } catch (error) {
      for (const waiting of batch) waiting.reject(error)
      return
    } finally {
      this.#inFlight--
      this.#next()
    }
    for (const waiting of batch) waiting.resolve()
    this.#wake()
  }

  #wake() {
    if (this.#wakeTimer) return
    const wait = this.#wokeAt + WAKE_EVERY_MS - Date.now()
    if (wait > 0) {
      this.#wakeTimer = setTimeout(() => ((this.#wakeTimer = null), this.#wake()), wait)
      return
    }
    this.#wokeAt = Date.now()
    wakeWebhookProcessing().catch((error) => logger.error({ err: error }, 'webhook processing not woken (the sweeper will)'))
  }
}

export const webhookInbox = new WebhookInbox()
