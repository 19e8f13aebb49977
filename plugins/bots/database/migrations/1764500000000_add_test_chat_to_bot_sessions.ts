import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The editor's test chat runs a draft through the same runtime as customers' sessions: a test
 * session has no conversation and no contact row; it belongs to the member testing
 * (`test_user_id`), and `test_state` keeps its pretend contact, the transcript and the path.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('bot_sessions', (table) => {
      table.bigInteger('conversation_id').nullable().alter()
      table.bigInteger('contact_id').nullable().alter()
      table.integer('test_user_id').nullable().references('users.id').onDelete('CASCADE')
      table.jsonb('test_state').nullable()
    })
    this.schema.raw(
      `alter table bot_sessions add constraint bot_sessions_test_or_live check ((test_user_id is null) = (conversation_id is not null and contact_id is not null))`
    )
    this.schema.raw(`create index bot_sessions_tests on bot_sessions (workspace_id, flow_id, test_user_id) where test_user_id is not null`)
  }

  async down() {
    this.schema.raw('drop index bot_sessions_tests')
    this.schema.raw('alter table bot_sessions drop constraint bot_sessions_test_or_live')
    this.schema.raw('delete from bot_sessions where test_user_id is not null')
    this.schema.alterTable('bot_sessions', (table) => {
      table.dropColumn('test_state')
      table.dropColumn('test_user_id')
    })
    this.schema.raw('delete from bot_sessions where conversation_id is null or contact_id is null')
    this.schema.alterTable('bot_sessions', (table) => {
      table.bigInteger('conversation_id').notNullable().alter()
      table.bigInteger('contact_id').notNullable().alter()
    })
  }
}
