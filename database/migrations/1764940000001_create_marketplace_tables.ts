import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    // Publishers of this instance's own registry: their signing key and the hash of their upload token.
    this.schema.createTable('marketplace_publishers', (table) => {
      table.increments('id')
      table.string('name', 120).notNullable()
      table.string('key_id', 16).notNullable().unique()
      table.text('public_key').notNullable()
      table.string('token_hash', 64).notNullable().unique()
      table.timestamp('created_at', { useTz: true }).notNullable()
    })

    // A package id belongs to the publisher who first uploaded it; the operator may block it everywhere.
    this.schema.createTable('marketplace_packages', (table) => {
      table.increments('id')
      table.string('package_id', 120).notNullable().unique()
      table.integer('publisher_id').nullable().references('marketplace_publishers.id').onDelete('SET NULL')
      table.text('deprecated').nullable()
      table.timestamp('blocked_at', { useTz: true }).nullable()
      table.text('blocked_reason').nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
    })

    // Every stored version: published here (registry '') or fetched from another registry to install.
    this.schema.createTable('marketplace_package_versions', (table) => {
      table.increments('id')
      table.string('package_id', 120).notNullable()
      table.string('version', 40).notNullable()
      // '' for this instance's own registry (a unique key cannot hold NULL usefully).
      table.string('registry', 500).notNullable().defaultTo('')
      table.binary('archive').notNullable()
      table.string('sha256', 64).notNullable()
      table.text('signature').notNullable()
      table.string('key_id', 16).notNullable()
      table.jsonb('manifest').notNullable()
      table.text('readme').nullable()
      table.timestamp('yanked_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.unique(['package_id', 'version', 'registry'])
    })

    // Publisher keys an organization trusts: packages signed by any other key are refused.
    this.schema.createTable('marketplace_trusted_keys', (table) => {
      table.increments('id')
      table.integer('organization_id').notNullable().references('organizations.id').onDelete('CASCADE')
      table.string('publisher', 120).notNullable()
      table.string('key_id', 16).notNullable()
      table.text('public_key').notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.unique(['organization_id', 'key_id'])
    })

    // A package installed in one workspace: what the admin granted, its settings, its secrets (encrypted).
    this.schema.createTable('marketplace_installations', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.string('package_id', 120).notNullable()
      table.string('version', 40).notNullable()
      table.integer('package_version_id').notNullable().references('marketplace_package_versions.id').onDelete('RESTRICT')
      table.jsonb('grants').notNullable().defaultTo('[]')
      table.jsonb('settings').notNullable().defaultTo('{}')
      table.text('secrets').nullable()
      table.string('status', 20).notNullable().defaultTo('active')
      table.integer('faults').notNullable().defaultTo(0)
      table.text('last_fault').nullable()
      table.integer('changed_by_id').nullable().references('users.id').onDelete('SET NULL')
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.unique(['workspace_id', 'package_id'])
    })
  }

  async down() {
    this.schema.dropTable('marketplace_installations')
    this.schema.dropTable('marketplace_trusted_keys')
    this.schema.dropTable('marketplace_package_versions')
    this.schema.dropTable('marketplace_packages')
    this.schema.dropTable('marketplace_publishers')
  }
}
