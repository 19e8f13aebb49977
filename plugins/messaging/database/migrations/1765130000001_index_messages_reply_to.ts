import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| `messages.reply_to_id` references messages with ON DELETE SET NULL, and nothing indexed it: each
| deleted message made PostgreSQL scan the whole table for replies to it, so deleting a
| conversation's or a workspace's messages took minutes (10,000 queued messages: over two minutes
| of CPU, measured 2026-12-02). Partial: most messages reply to nothing.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.raw('create index messages_reply_to_id_index on messages (reply_to_id) where reply_to_id is not null')
  }

  async down() {
    this.schema.raw('drop index messages_reply_to_id_index')
  }
}
