import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    // The organization's per-call limits for marketplace scripts (a partial Limits object); null = the defaults.
    this.schema.alterTable('organizations', (table) => {
      table.jsonb('marketplace_limits').nullable()
    })
  }

  async down() {
    this.schema.alterTable('organizations', (table) => {
      table.dropColumn('marketplace_limits')
    })
  }
}
