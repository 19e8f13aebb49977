import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Stored webhooks keep their `workspace_id` (the plugin's data export and removal, and the index,
| go by it) but lose its own foreign key to workspaces: the endpoint copies it from the channel,
| whose key to channels stays, and a deleted workspace still takes them with it (workspace →
| channels → events, both on delete cascade). The redundant key cost a lookup and a row lock of
| the one workspace row per stored webhook, in the INSERT every acknowledgement waits for.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.raw('alter table webhook_events drop constraint webhook_events_workspace_id_foreign')
  }

  async down() {
    this.schema.alterTable('webhook_events', (table) => {
      table.foreign('workspace_id').references('workspaces.id').onDelete('CASCADE')
    })
  }
}
