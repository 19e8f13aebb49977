import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    // One row per workspace × plugin that was ever enabled there; disabling keeps the row (and the data).
    this.schema.createTable('plugin_installations', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.string('plugin', 60).notNullable()
      table.string('version', 40).notNullable()
      table.boolean('enabled').notNullable().defaultTo(false)
      table.jsonb('settings').notNullable().defaultTo('{}')
      table.integer('changed_by_id').nullable().references('users.id').onDelete('SET NULL')
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.unique(['workspace_id', 'plugin'])
    })

    // What an organization offers its client workspaces: plugins on by default, plugins hidden.
    this.schema.createTable('organization_plugin_policies', (table) => {
      table.increments('id')
      table.integer('organization_id').notNullable().references('organizations.id').onDelete('CASCADE')
      table.string('plugin', 60).notNullable()
      table.boolean('enabled_by_default').notNullable().defaultTo(false)
      table.boolean('hidden').notNullable().defaultTo(false)
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.unique(['organization_id', 'plugin'])
    })
  }

  async down() {
    this.schema.dropTable('organization_plugin_policies')
    this.schema.dropTable('plugin_installations')
  }
}
