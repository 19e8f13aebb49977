import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Bulk actions on contacts (README, "Bulk actions"): one row per action on a selection or a
| whole filter result, with its progress; and the contacts' soft-delete mark (the bulk delete
| that hid them until its undo window ends and the purge job removes them); an index for
| duplicate suggestions by e-mail.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('crm_bulk_actions', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.integer('user_id').nullable().references('users.id').onDelete('SET NULL')
      table.string('status', 10).notNullable() // queued | running | done | failed
      table.string('action', 12).notNullable() // tag | untag | set_field | owner | opt_out | delete
      table.jsonb('params').notNullable().defaultTo('{}')
      // the contacts it applies to: ids (a selection) or the list's q and filter
      table.jsonb('query').notNullable().defaultTo('{}')
      table.integer('total').notNullable().defaultTo(0)
      table.integer('processed').notNullable().defaultTo(0)
      table.integer('changed').notNullable().defaultTo(0)
      table.text('error').nullable()
      table.timestamp('undone_at', { useTz: true }).nullable()
      table.timestamp('purged_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.index(['workspace_id', 'created_at'])
    })
    // No foreign key: contacts are messaging's, and the mark must not tie them to a CRM table.
    this.schema.alterTable('contacts', (table) => {
      table.integer('crm_deleted_by').nullable()
    })
    this.schema.raw('create index contacts_crm_deleted_by on contacts (workspace_id, crm_deleted_by) where crm_deleted_by is not null')
    // Duplicate suggestions group the workspace's contacts by e-mail (services/duplicates.ts).
    this.schema.raw('create index contacts_crm_email on contacts (workspace_id, lower(email)) where email is not null')
  }

  async down() {
    this.schema.raw('drop index contacts_crm_email')
    this.schema.alterTable('contacts', (table) => {
      table.dropColumn('crm_deleted_by')
    })
    this.schema.dropTable('crm_bulk_actions')
  }
}
