import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    // Every acknowledged webhook, stored before the 200: processing happens later, from here.
    this.schema.createTable('webhook_events', (table) => {
      table.bigIncrements('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.integer('channel_id').notNullable().references('channels.id').onDelete('CASCADE')
      table.string('provider', 30).notNullable()
      table.text('body').notNullable()
      table.timestamp('received_at', { useTz: true }).notNullable()
      table.timestamp('processed_at', { useTz: true }).nullable()
      table.integer('attempts').notNullable().defaultTo(0)
      table.string('last_error', 500).nullable()
      table.index(['workspace_id', 'processed_at', 'id'])
    })
  }

  async down() {
    this.schema.dropTable('webhook_events')
  }
}
