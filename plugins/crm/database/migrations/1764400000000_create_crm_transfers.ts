import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Imports and exports of contacts (README, "Import" and "Export"): one row per file, its options,
| its progress and where its result (the failed-rows report, the exported file) is kept on the drive.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('crm_imports', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.integer('user_id').nullable().references('users.id').onDelete('SET NULL')
      // draft (uploaded, being mapped) | queued | running | done | failed
      table.string('status', 10).notNullable()
      table.string('filename', 255).notNullable()
      table.string('path', 300).notNullable()
      table.string('format', 4).notNullable() // csv | xlsx
      table.string('encoding', 20).nullable()
      table.string('delimiter', 2).nullable()
      table.jsonb('headers').notNullable()
      // mapping (column index → target), default country, policy, tag ids
      table.jsonb('options').notNullable().defaultTo('{}')
      table.integer('total').notNullable().defaultTo(0)
      table.integer('processed').notNullable().defaultTo(0)
      table.integer('created_count').notNullable().defaultTo(0)
      table.integer('updated_count').notNullable().defaultTo(0)
      table.integer('skipped_count').notNullable().defaultTo(0)
      table.integer('failed_count').notNullable().defaultTo(0)
      table.string('report_path', 300).nullable()
      table.text('error').nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.index(['workspace_id', 'created_at'])
    })

    this.schema.createTable('crm_exports', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.integer('user_id').nullable().references('users.id').onDelete('SET NULL')
      table.string('status', 10).notNullable() // queued | running | done | failed
      table.string('format', 4).notNullable() // csv | xlsx
      // what was on the list: q, filter, segment id
      table.jsonb('query').notNullable().defaultTo('{}')
      table.integer('total').notNullable().defaultTo(0)
      table.integer('processed').notNullable().defaultTo(0)
      table.string('path', 300).nullable()
      table.text('error').nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.index(['workspace_id', 'created_at'])
    })
  }

  async down() {
    this.schema.dropTable('crm_exports')
    this.schema.dropTable('crm_imports')
  }
}
