import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.createTable('audit_logs', (table) => {
      table.bigIncrements('id')
      table.integer('organization_id').nullable().references('organizations.id').onDelete('CASCADE')
      table.integer('workspace_id').nullable().references('workspaces.id').onDelete('CASCADE')
      table.integer('actor_id').nullable().references('users.id').onDelete('SET NULL')
      table.string('action', 60).notNullable()
      table.string('ip', 64).nullable()
      table.jsonb('meta').notNullable().defaultTo('{}')
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['organization_id', 'created_at'])
      table.index(['workspace_id', 'created_at'])
    })

    this.schema.createTable('notifications', (table) => {
      table.bigIncrements('id')
      table.integer('user_id').notNullable().references('users.id').onDelete('CASCADE')
      table.integer('workspace_id').nullable().references('workspaces.id').onDelete('CASCADE')
      table.string('title', 200).notNullable()
      table.string('body', 1000).nullable()
      table.string('url', 500).nullable()
      table.timestamp('read_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['user_id', 'created_at'])
    })
  }

  async down() {
    this.schema.dropTable('notifications')
    this.schema.dropTable('audit_logs')
  }
}
