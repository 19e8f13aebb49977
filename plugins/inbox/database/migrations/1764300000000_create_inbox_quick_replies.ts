import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Quick replies (canned responses): texts an agent inserts with "/shortcut" in the composer.
 * A workspace's own; the shortcut is unique in it (stored lower-case, so "/Hello" and "/hello"
 * are one).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('inbox_quick_replies', (table) => {
      table.bigIncrements('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.string('shortcut', 32).notNullable()
      table.text('body').notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      // Also the composer's prefix search (shortcut LIKE 'q%').
      table.unique(['workspace_id', 'shortcut'])
    })
  }

  async down() {
    this.schema.dropTable('inbox_quick_replies')
  }
}
