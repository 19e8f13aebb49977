import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Internal notes: agents' messages to each other on a conversation, never sent to the customer.
 * The inbox's own table (not a kind of message): messaging's tables are what goes to and comes
 * from WhatsApp, and nothing there may pick a note up and send it.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('inbox_notes', (table) => {
      table.bigIncrements('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.bigInteger('conversation_id').notNullable().references('conversations.id').onDelete('CASCADE')
      // A note outlives its author's account (the thread keeps what was said).
      table.integer('author_id').nullable().references('users.id').onDelete('SET NULL')
      table.text('body').notNullable()
      // The user ids mentioned (and notified) when it was written.
      table.specificType('mentions', 'integer[]').notNullable().defaultTo('{}')
      table.timestamp('created_at', { useTz: true }).notNullable()
      // A thread's notes by time, as its messages are shown.
      table.index(['workspace_id', 'conversation_id', 'created_at'])
    })
  }

  async down() {
    this.schema.dropTable('inbox_notes')
  }
}
