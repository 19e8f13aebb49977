import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A contact's row is updated right after it is written: the CRM counts the conversation opened
 * with it (`conversation_count`), and a returning customer moves `last_seen_at` and their profile
 * name. PostgreSQL updates a row in place (HOT: no new entry in any index) only when its page has
 * room, and contacts carry many indexes (the CRM's trigram indexes among them): a full page made
 * every such update write a new entry into each. Pages keep a tenth free for them, as messages'
 * do (1765040000001_make_message_statuses_hot).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw('alter table contacts set (fillfactor = 90)')
  }

  async down() {
    this.schema.raw('alter table contacts reset (fillfactor)')
  }
}
