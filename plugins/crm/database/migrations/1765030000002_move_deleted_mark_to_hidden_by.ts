import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| The bulk delete's mark moves from the CRM's own `crm_deleted_by` to messaging's `hidden_by`
| (same meaning: the bulk delete hiding the contact until undo or purge), so that the inbox and
| messaging's API hide those contacts too without reading a CRM column.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.raw('update contacts set hidden_by = crm_deleted_by where crm_deleted_by is not null')
    this.schema.alterTable('contacts', (table) => {
      table.dropColumn('crm_deleted_by')
    })
  }

  async down() {
    this.schema.alterTable('contacts', (table) => {
      table.integer('crm_deleted_by').nullable()
    })
    this.schema.raw('create index contacts_crm_deleted_by on contacts (workspace_id, crm_deleted_by) where crm_deleted_by is not null')
    this.schema.raw('update contacts set crm_deleted_by = hidden_by where hidden_by is not null')
  }
}
