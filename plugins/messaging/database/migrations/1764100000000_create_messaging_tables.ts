import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| The messaging kernel's tables. Every row belongs to a workspace, and every index starts with
| workspace_id (row-level tenancy).
*/
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('contacts', (table) => {
      table.bigIncrements('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      // E.164 ("+79001234567"); wa_id is what WhatsApp calls the user (digits only).
      table.string('phone', 20).notNullable()
      table.string('wa_id', 32).nullable()
      table.string('name', 200).nullable()
      table.string('profile_name', 200).nullable()
      table.string('locale', 10).nullable()
      table.string('opt_in_status', 12).notNullable().defaultTo('unknown') // unknown | opted_in | opted_out
      table.string('opt_in_source', 60).nullable()
      table.timestamp('opt_in_at', { useTz: true }).nullable()
      table.boolean('blocked').notNullable().defaultTo(false)
      table.jsonb('attributes').notNullable().defaultTo('{}')
      table.timestamp('first_seen_at', { useTz: true }).nullable()
      table.timestamp('last_seen_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.unique(['workspace_id', 'phone'])
      table.index(['workspace_id', 'last_seen_at'])
    })

    this.schema.createTable('channels', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.string('provider', 30).notNullable() // whatsapp-cloud | whatsapp-360dialog | whatsapp-gupshup
      table.string('name', 120).notNullable()
      table.string('display_phone', 20).notNullable()
      // Provider ids that are not secret (phone number id, WABA id, Gupshup app name ...).
      table.jsonb('provider_ids').notNullable().defaultTo('{}')
      // Tokens, app secrets, API keys: encrypted with APP_KEY, never returned by the API.
      table.text('credentials').notNullable()
      table.string('api_base_url', 300).nullable()
      table.integer('throughput_per_second').notNullable().defaultTo(80)
      table.timestamp('last_webhook_at', { useTz: true }).nullable()
      table.string('last_error', 500).nullable()
      table.timestamp('last_error_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.index(['workspace_id'])
    })

    this.schema.createTable('conversations', (table) => {
      table.bigIncrements('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.bigInteger('contact_id').notNullable().references('contacts.id').onDelete('CASCADE')
      table.integer('channel_id').notNullable().references('channels.id').onDelete('CASCADE')
      table.string('status', 10).notNullable().defaultTo('open') // open | pending | snoozed | resolved
      table.integer('assignee_id').nullable().references('users.id').onDelete('SET NULL')
      table.timestamp('snoozed_until', { useTz: true }).nullable()
      table.timestamp('last_activity_at', { useTz: true }).notNullable()
      table.integer('unread_count').notNullable().defaultTo(0)
      // The 24-hour customer-service window: free-form messages only before this instant.
      table.timestamp('window_expires_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.index(['workspace_id', 'status', 'last_activity_at'])
      table.index(['workspace_id', 'contact_id'])
    })

    this.schema.createTable('messages', (table) => {
      table.bigIncrements('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.bigInteger('conversation_id').notNullable().references('conversations.id').onDelete('CASCADE')
      table.integer('channel_id').notNullable().references('channels.id').onDelete('CASCADE')
      table.string('direction', 8).notNullable() // inbound | outbound
      table.string('type', 20).notNullable()
      table.jsonb('content').notNullable().defaultTo('{}')
      table.string('provider_message_id', 200).nullable()
      table.string('status', 10).notNullable() // queued | sent | delivered | read | failed | received
      table.string('error_code', 20).nullable()
      table.string('error_reason', 500).nullable()
      table.bigInteger('reply_to_id').nullable().references('messages.id').onDelete('SET NULL')
      table.string('author_type', 10).notNullable() // agent | bot | contact | campaign | plugin
      table.string('author_id', 60).nullable()
      table.timestamp('sent_at', { useTz: true }).nullable()
      table.timestamp('delivered_at', { useTz: true }).nullable()
      table.timestamp('read_at', { useTz: true }).nullable()
      table.timestamp('failed_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      // Webhooks are at-least-once: a provider message id is stored once per channel.
      table.unique(['workspace_id', 'channel_id', 'provider_message_id'])
      table.index(['workspace_id', 'conversation_id', 'id'])
    })
  }

  async down() {
    for (const name of ['messages', 'conversations', 'channels', 'contacts']) this.schema.dropTable(name)
  }
}
