import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Delivery statuses (sent → delivered → read) are the most frequent write there is: every
 * outbound message is updated two or three times. PostgreSQL updates a row in place (a HOT
 * update: no new entry in any index) only when no indexed column changes and its page has room.
 * The send queue's index named `status` in its predicate, so each status wrote a new entry into
 * every index of messages, its trigram index of the text included. The queue is now told by
 * `next_attempt_at` (set while queued, cleared when sent or failed), and pages keep a tenth free
 * for the updated rows.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`update messages set next_attempt_at = null where status <> 'queued' and next_attempt_at is not null`)
    this.schema.raw(`update messages set next_attempt_at = now() where status = 'queued' and next_attempt_at is null`)
    this.schema.raw('drop index if exists messages_send_queue')
    this.schema.raw(`create index messages_send_queue on messages (workspace_id, channel_id, next_attempt_at, id) where next_attempt_at is not null`)
    this.schema.raw('alter table messages set (fillfactor = 90)')
  }

  async down() {
    this.schema.raw('alter table messages reset (fillfactor)')
    this.schema.raw('drop index if exists messages_send_queue')
    this.schema.raw(`create index messages_send_queue on messages (workspace_id, channel_id, next_attempt_at, id) where status = 'queued'`)
  }
}
