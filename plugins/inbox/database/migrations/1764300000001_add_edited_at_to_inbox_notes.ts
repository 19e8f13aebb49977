import { BaseSchema } from '@adonisjs/lucid/schema'

/** Notes can be edited: when it last was (the thread says "edited"; live updates keep the latest). */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('inbox_notes', (table) => {
      table.timestamp('edited_at', { useTz: true }).nullable()
    })
  }

  async down() {
    this.schema.alterTable('inbox_notes', (table) => {
      table.dropColumn('edited_at')
    })
  }
}
