import { BaseSchema } from '@adonisjs/lucid/schema'

/** The inbox counts a workspace's unread conversations on every list: only those rows, from an index. */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`create index conversations_unread on conversations (workspace_id) where unread_count > 0 and status <> 'resolved'`)
  }

  async down() {
    this.schema.raw('drop index if exists conversations_unread')
  }
}
