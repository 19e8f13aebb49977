import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Teams (issue 5, assignment): named groups of a workspace's members; a conversation may belong
 * to one team (beside, or instead of, an agent). The conversation's team is the inbox's row, not
 * a column of messaging's conversations: teams are the inbox's idea, not the kernel's.
 * Agents' own inbox preferences (away, sound) are per user, whatever the workspace.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('inbox_teams', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.string('name', 60).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })
    // A name once per workspace, whatever its case.
    this.schema.raw('create unique index inbox_teams_workspace_name on inbox_teams (workspace_id, lower(name))')

    this.schema.createTable('inbox_team_members', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.integer('team_id').notNullable().references('inbox_teams.id').onDelete('CASCADE')
      table.integer('user_id').notNullable().references('users.id').onDelete('CASCADE')
      table.unique(['workspace_id', 'team_id', 'user_id'])
      table.index(['workspace_id', 'user_id'])
    })

    this.schema.createTable('inbox_conversation_teams', (table) => {
      table.bigIncrements('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.bigInteger('conversation_id').notNullable().references('conversations.id').onDelete('CASCADE')
      table.integer('team_id').notNullable().references('inbox_teams.id').onDelete('CASCADE')
      table.unique(['workspace_id', 'conversation_id'])
      // The list's team filter.
      table.index(['workspace_id', 'team_id'])
    })

    this.schema.createTable('inbox_agent_preferences', (table) => {
      table.integer('user_id').primary().references('users.id').onDelete('CASCADE')
      table.boolean('away').notNullable().defaultTo(false)
      table.boolean('sound').notNullable().defaultTo(true)
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })
  }

  async down() {
    this.schema.dropTable('inbox_agent_preferences')
    this.schema.dropTable('inbox_conversation_teams')
    this.schema.dropTable('inbox_team_members')
    this.schema.dropTable('inbox_teams')
  }
}
