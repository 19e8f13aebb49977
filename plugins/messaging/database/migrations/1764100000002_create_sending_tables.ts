import { BaseSchema } from '@adonisjs/lucid/schema'

/** Templates synced from providers, stored media, and statuses that arrived before their message's id. */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('message_templates', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.integer('channel_id').notNullable().references('channels.id').onDelete('CASCADE')
      table.string('provider_template_id', 120).nullable()
      table.string('name', 512).notNullable()
      table.string('language', 20).notNullable()
      table.string('category', 30).nullable()
      table.string('status', 30).notNullable()
      table.jsonb('components').notNullable().defaultTo('[]')
      table.timestamp('synced_at', { useTz: true }).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.unique(['workspace_id', 'channel_id', 'name', 'language'])
    })

    this.schema.createTable('media', (table) => {
      table.bigIncrements('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.bigInteger('message_id').nullable().references('messages.id').onDelete('SET NULL')
      table.string('path', 300).notNullable() // key on the drive disk
      table.string('filename', 255).notNullable()
      table.string('mime', 120).notNullable()
      table.bigInteger('size').notNullable()
      table.string('sha256', 64).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['workspace_id', 'message_id'])
    })

    // A status can overtake the send job's write of the provider id; it waits here (see send_message).
    this.schema.createTable('pending_statuses', (table) => {
      table.bigIncrements('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.integer('channel_id').notNullable().references('channels.id').onDelete('CASCADE')
      table.string('provider_message_id', 200).notNullable()
      table.string('status', 10).notNullable()
      table.timestamp('occurred_at', { useTz: true }).notNullable()
      table.string('error_code', 20).nullable()
      table.string('error_reason', 500).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['workspace_id', 'channel_id', 'provider_message_id'])
    })
  }

  async down() {
    this.schema.dropTable('pending_statuses')
    this.schema.dropTable('media')
    this.schema.dropTable('message_templates')
  }
}
