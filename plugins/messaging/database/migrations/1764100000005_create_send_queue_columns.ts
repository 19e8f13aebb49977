import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The send queue lives in the messages table: a queued message is due at `next_attempt_at`
 * (its retry time, or the end of a sender's lease on it), and counts its `attempts`. Per-channel
 * senders claim due messages from a partial index of the queued ones only.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('messages', (table) => {
      table.smallint('attempts').notNullable().defaultTo(0)
      table.timestamp('next_attempt_at', { useTz: true }).nullable()
    })
    this.schema.raw(`update messages set next_attempt_at = now() where status = 'queued'`)
    this.schema.raw(`create index messages_send_queue on messages (workspace_id, channel_id, next_attempt_at, id) where status = 'queued'`)
  }

  async down() {
    this.schema.raw('drop index if exists messages_send_queue')
    this.schema.alterTable('messages', (table) => {
      table.dropColumn('next_attempt_at')
      table.dropColumn('attempts')
    })
  }
}
