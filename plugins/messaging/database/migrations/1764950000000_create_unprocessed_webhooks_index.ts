import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  // What the processing wake-ups and the sweeper look for, oldest first: only the waiting rows are indexed.
  async up() {
    this.schema.raw('create index webhook_events_waiting on webhook_events (id) where processed_at is null')
  }

  async down() {
    this.schema.raw('drop index webhook_events_waiting')
  }
}
