import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Tag links and timeline events keep their `workspace_id` (every tenant row has it, every index
| leads with it) but lose its own foreign key to workspaces: their (workspace_id, contact_id) key
| to contacts already proves the workspace (a contact's workspace_id references workspaces), and a
| deleted workspace still takes them with it (workspace → contacts → links and events, all on
| delete cascade). The redundant key cost one more lookup and row lock per inserted row: a third of
| the checks of an import writing 200,000 tag links (docs/crm-performance.md).
*/
const TABLES = ['crm_contact_tags', 'crm_contact_events']

export default class extends BaseSchema {
  async up() {
    for (const table of TABLES) this.schema.raw(`alter table ${table} drop constraint ${table}_workspace_id_foreign`)
  }

  async down() {
    for (const table of TABLES) {
      this.schema.alterTable(table, (t) => {
        t.foreign('workspace_id').references('workspaces.id').onDelete('CASCADE')
      })
    }
  }
}
