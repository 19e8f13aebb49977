import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.raw('CREATE EXTENSION IF NOT EXISTS citext')

    this.schema.createTable('organizations', (table) => {
      table.increments('id')
      table.string('name', 120).notNullable()
      table.string('slug', 60).notNullable().unique()
      // White-label brand: shown instead of "Switchboard" on the custom domain.
      table.string('product_name', 80).nullable()
      table.string('logo_path').nullable()
      table.string('favicon_path').nullable()
      table.string('primary_color', 7).nullable()
      table.string('custom_domain', 253).nullable().unique()
      table.string('mail_footer', 500).nullable()
      table.boolean('require_two_factor').notNullable().defaultTo(false)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })

    this.schema.createTable('users', (table) => {
      table.increments('id')
      table.string('full_name', 120).notNullable()
      table.specificType('email', 'citext').notNullable().unique()
      table.string('password').notNullable()
      table.timestamp('email_verified_at', { useTz: true }).nullable()
      table.string('theme', 10).notNullable().defaultTo('system')
      table.string('locale', 5).notNullable().defaultTo('en')
      table.text('two_factor_secret').nullable()
      table.text('two_factor_recovery_codes').nullable()
      table.timestamp('two_factor_enabled_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })

    // Agency staff: owners and admins of an organization may open all of its workspaces.
    this.schema.createTable('organization_members', (table) => {
      table.increments('id')
      table.integer('organization_id').notNullable().references('organizations.id').onDelete('CASCADE')
      table.integer('user_id').notNullable().references('users.id').onDelete('CASCADE')
      table.string('role', 20).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.unique(['organization_id', 'user_id'])
      table.index(['user_id'])
    })

    this.schema.createTable('workspaces', (table) => {
      table.increments('id')
      table.integer('organization_id').notNullable().references('organizations.id').onDelete('CASCADE')
      table.string('name', 120).notNullable()
      table.string('slug', 60).notNullable().unique()
      table.string('timezone', 64).notNullable().defaultTo('UTC')
      table.string('locale', 5).notNullable().defaultTo('en')
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.index(['organization_id'])
    })

    this.schema.createTable('memberships', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.integer('user_id').notNullable().references('users.id').onDelete('CASCADE')
      table.string('role', 20).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.unique(['workspace_id', 'user_id'])
      table.index(['user_id'])
    })

    this.schema.createTable('invitations', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.specificType('email', 'citext').notNullable()
      table.string('role', 20).notNullable()
      table.string('token_hash', 64).notNullable().unique()
      table.integer('invited_by_id').nullable().references('users.id').onDelete('SET NULL')
      table.timestamp('expires_at', { useTz: true }).notNullable()
      table.timestamp('accepted_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['workspace_id', 'created_at'])
    })
  }

  async down() {
    for (const name of ['invitations', 'memberships', 'workspaces', 'organization_members', 'users', 'organizations']) {
      this.schema.dropTable(name)
    }
  }
}
