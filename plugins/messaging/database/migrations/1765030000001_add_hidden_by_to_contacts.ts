import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| A contact hidden for a while by the plugin that will delete it (the CRM's bulk delete during its
| undo window): `hidden_by` is that plugin's id for the deletion, null for a visible contact. The
| kernel's column, so every plugin that lists or looks up contacts (the inbox, messaging's API)
| skips hidden ones without knowing who hid them. No foreign key: whose id it is stays the hider's.
| Partial index: the hider finds its contacts again to restore or purge them; few rows are hidden.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('contacts', (table) => {
      table.integer('hidden_by').nullable()
    })
    this.schema.raw('create index contacts_hidden_by on contacts (workspace_id, hidden_by) where hidden_by is not null')
  }

  async down() {
    this.schema.alterTable('contacts', (table) => {
      table.dropColumn('hidden_by')
    })
  }
}
