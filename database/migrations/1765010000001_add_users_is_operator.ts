import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    // The instance's operators (above every organization): they block marketplace packages. Granted from the shell only.
    this.schema.alterTable('users', (table) => {
      table.boolean('is_operator').notNullable().defaultTo(false)
    })
  }

  async down() {
    this.schema.alterTable('users', (table) => {
      table.dropColumn('is_operator')
    })
  }
}
