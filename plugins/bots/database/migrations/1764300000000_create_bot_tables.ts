import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Bot flows, their versions, the running sessions and per-node counters.
 *
 * A flow holds what does not change between versions (name, trigger, on/off, counters); its
 * versions hold the graph (docs/bot-flow-schema.md). At most one draft and one published version
 * per flow (partial unique indexes). At most one live session (active, paused or handed off) per
 * conversation: the unique partial index is what stops two triggers racing to start two bots.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('bot_flows', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.string('name', 120).notNullable()
      table.jsonb('trigger').notNullable()
      table.boolean('enabled').notNullable().defaultTo(false)
      // Counters, bumped in the statements that change a session (cheap enough for every step).
      table.integer('sessions_started').notNullable().defaultTo(0)
      table.integer('sessions_completed').notNullable().defaultTo(0)
      table.integer('sessions_handed_off').notNullable().defaultTo(0)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.unique(['workspace_id', 'name'])
    })

    this.schema.createTable('bot_flow_versions', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.integer('flow_id').notNullable().references('bot_flows.id').onDelete('CASCADE')
      table.integer('number').notNullable()
      table.string('state', 12).notNullable()
      table.jsonb('definition').notNullable()
      table.integer('created_by_id').nullable().references('users.id').onDelete('SET NULL')
      table.timestamp('published_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.unique(['workspace_id', 'flow_id', 'number'])
    })
    this.schema.raw(`create unique index bot_flow_versions_one_draft on bot_flow_versions (workspace_id, flow_id) where state = 'draft'`)
    this.schema.raw(`create unique index bot_flow_versions_one_published on bot_flow_versions (workspace_id, flow_id) where state = 'published'`)

    this.schema.createTable('bot_sessions', (table) => {
      table.bigIncrements('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.integer('flow_id').notNullable().references('bot_flows.id').onDelete('CASCADE')
      table.integer('version_id').notNullable().references('bot_flow_versions.id').onDelete('CASCADE')
      table.bigInteger('conversation_id').notNullable().references('conversations.id').onDelete('CASCADE')
      table.bigInteger('contact_id').notNullable().references('contacts.id').onDelete('CASCADE')
      // active | paused (a human took over) | handed_off | completed | expired | failed
      table.string('status', 12).notNullable()
      table.string('node_id', 64).nullable()
      // null (running), 'answer' (a question, buttons or a list) or 'delay'
      table.string('waiting', 8).nullable()
      table.integer('retries').notNullable().defaultTo(0)
      table.jsonb('variables').notNullable().defaultTo('{}')
      table.timestamp('wake_at', { useTz: true }).nullable()
      table.timestamp('expires_at', { useTz: true }).notNullable()
      table.string('trigger', 20).notNullable()
      table.text('last_error').nullable()
      table.timestamp('ended_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.index(['workspace_id', 'flow_id', 'created_at'])
    })
    this.schema.raw(
      `create unique index bot_sessions_one_live on bot_sessions (workspace_id, conversation_id) where status in ('active', 'paused', 'handed_off')`
    )
    // The sweeper's scans: sessions past their idle time, delays past their wake-up time.
    this.schema.raw(`create index bot_sessions_live_expiry on bot_sessions (expires_at) where status in ('active', 'paused', 'handed_off')`)
    this.schema.raw(`create index bot_sessions_wake on bot_sessions (wake_at) where status = 'active' and waiting = 'delay'`)

    this.schema.createTable('bot_node_stats', (table) => {
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.integer('flow_id').notNullable().references('bot_flows.id').onDelete('CASCADE')
      table.string('node_id', 64).notNullable()
      table.integer('entered').notNullable().defaultTo(0)
      // Sessions that stopped here: expired waiting, or paused by a human.
      table.integer('dropped').notNullable().defaultTo(0)
      table.primary(['workspace_id', 'flow_id', 'node_id'])
    })
  }

  async down() {
    this.schema.dropTable('bot_node_stats')
    this.schema.dropTable('bot_sessions')
    this.schema.dropTable('bot_flow_versions')
    this.schema.dropTable('bot_flows')
  }
}
