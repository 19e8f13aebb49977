import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { wakeWebhookProcessing } from '#messaging/jobs/process_webhook_events'

export interface StoredWebhook {
  workspace_id: number
  channel_id: number
  provider: string
  body: string
  received_at: string
}

interface Waiting {
  row: StoredWebhook
  resolve: (id: number) => void
  reject: (error: unknown) => void
}

// A webhook waits at most this long for others to share its INSERT (and its commit's fsync).
const WINDOW_MS = 2
const MAX_BATCH = 100

/**
 * Stores webhooks durably before they are acknowledged, many per statement: under load each
 * request joins the INSERT being prepared (a few ms at most), so a burst costs one commit
 * instead of one each. `store()` resolves once the row is committed: only then may the caller
 * answer 200, without waiting for the wake-up of their processing (one job for all the batches
 * stored meanwhile); should that fail, the rows wait for the sweeper.
 */
class WebhookInbox {
  #waiting: Waiting[] = []
  #timer: NodeJS.Timeout | null = null

  store(row: StoredWebhook) {
    return new Promise<number>((resolve, reject) => {
      this.#waiting.push({ row, resolve, reject })
      if (this.#waiting.length >= MAX_BATCH) this.#flush()
      else this.#timer ??= setTimeout(() => this.#flush(), WINDOW_MS)
    })
  }

  #flush() {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    const batch = this.#waiting.splice(0)
    if (batch.length) void this.#write(batch)
  }

  async #write(batch: Waiting[]) {
    let ids: number[]
    try {
      const rows = await db.table('webhook_events').multiInsert(batch.map((waiting) => waiting.row)).returning('id')
      ids = rows.map((row: { id: number }) => Number(row.id))
    } catch (error) {
      for (const waiting of batch) waiting.reject(error)
      return
    }
    batch.forEach((waiting, index) => waiting.resolve(ids[index]))
    await wakeWebhookProcessing().catch((error) => logger.error({ err: error, events: ids.length }, 'webhook processing not woken (the sweeper will)'))
  }
}

export const webhookInbox = new WebhookInbox()
