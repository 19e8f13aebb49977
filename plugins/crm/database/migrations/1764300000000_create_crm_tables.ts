import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| The CRM's tables, and the columns it adds to messaging's contacts (a contact stays one row:
| the CRM extends it, never copies it). Every index starts with workspace_id. Why each index
| exists: plugins/crm/README.md, "Indexes".
*/
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('contacts', (table) => {
      table.string('email', 254).nullable()
      table.integer('owner_id').nullable().references('users.id').onDelete('SET NULL')
      // Kept by a trigger on conversations (below), so "conversations > 2" reads a column.
      table.integer('conversation_count').notNullable().defaultTo(0)
    })

    // What the CRM's tables reference a contact by: (workspace_id, id). A contact's rows then
    // belong to its workspace by construction, and deleting a contact finds them through their
    // workspace-first indexes (a foreign key on contact_id alone would scan the whole table
    // for every contact deleted).
    this.schema.raw('create unique index contacts_workspace_id_id on contacts (workspace_id, id)')
    // Keyset pagination: one btree per sort the list offers, (workspace_id, sort key, id).
    this.schema.raw('create index contacts_crm_created on contacts (workspace_id, created_at, id)')
    this.schema.raw(`create index contacts_crm_last_seen on contacts (workspace_id, (coalesce(last_seen_at, '-infinity'::timestamptz)), id)`)
    this.schema.raw('create index contacts_crm_name on contacts (workspace_id, (lower(coalesce(name, profile_name, phone))), id)')
    // Search and "contains" filters.
    this.schema.raw('create index contacts_email_trgm on contacts using gin (email gin_trgm_ops)')
    // Custom fields: containment (equals, selects, booleans) through jsonb_path_ops...
    this.schema.raw('create index contacts_attributes_gin on contacts using gin (attributes jsonb_path_ops)')
    // ...and "any custom field contains" through a trigram index on the values joined.
    this.schema.raw(`
      create or replace function crm_attribute_text(attributes jsonb) returns text
      language sql immutable parallel safe
      as $$ select coalesce(string_agg(value, ' '), '') from jsonb_each_text(attributes) $$`)
    this.schema.raw('create index contacts_attributes_trgm on contacts using gin (crm_attribute_text(attributes) gin_trgm_ops)')

    this.schema.raw(`
      create or replace function crm_count_conversations() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          update contacts set conversation_count = conversation_count + 1 where id = new.contact_id;
        elsif tg_op = 'DELETE' then
          update contacts set conversation_count = conversation_count - 1 where id = old.contact_id;
        end if;
        return null;
      end $$`)
    this.schema.raw(`
      create trigger crm_count_conversations after insert or delete on conversations
      for each row execute function crm_count_conversations()`)
    this.schema.raw(`
      update contacts ct set conversation_count = c.count
      from (select contact_id, count(*) as count from conversations group by contact_id) c
      where c.contact_id = ct.id`)

    this.schema.createTable('crm_tags', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.string('name', 60).notNullable()
      table.string('color', 7).notNullable() // #rrggbb
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })
    this.schema.raw('create unique index crm_tags_name on crm_tags (workspace_id, lower(name))')
    this.schema.raw('create unique index crm_tags_workspace_id_id on crm_tags (workspace_id, id)')

    this.schema.createTable('crm_contact_tags', (table) => {
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.bigInteger('contact_id').notNullable()
      table.integer('tag_id').notNullable()
      table.foreign(['workspace_id', 'contact_id']).references(['workspace_id', 'id']).inTable('contacts').onDelete('CASCADE')
      table.foreign(['workspace_id', 'tag_id']).references(['workspace_id', 'id']).inTable('crm_tags').onDelete('CASCADE')
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.primary(['workspace_id', 'contact_id', 'tag_id'])
      // "has tag X": the tag's contacts, from the tag's side.
      table.index(['workspace_id', 'tag_id', 'contact_id'])
    })

    this.schema.createTable('crm_fields', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.string('key', 40).notNullable() // the key in contacts.attributes
      table.string('label', 80).notNullable()
      table.string('type', 16).notNullable() // text | number | date | boolean | select | multiselect | url | email | phone
      table.jsonb('options').notNullable().defaultTo('[]') // the choices of select / multiselect
      table.boolean('required').notNullable().defaultTo(false)
      table.integer('position').notNullable().defaultTo(0)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.unique(['workspace_id', 'key'])
    })

    this.schema.createTable('crm_segments', (table) => {
      table.increments('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.string('name', 80).notNullable()
      table.jsonb('filter').notNullable()
      table.integer('created_by_id').nullable().references('users.id').onDelete('SET NULL')
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })
    this.schema.raw('create unique index crm_segments_name on crm_segments (workspace_id, lower(name))')

    // The contact's history kept by the CRM: field, tag and consent changes (kind + data).
    this.schema.createTable('crm_contact_events', (table) => {
      table.bigIncrements('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.bigInteger('contact_id').notNullable()
      table.foreign(['workspace_id', 'contact_id']).references(['workspace_id', 'id']).inTable('contacts').onDelete('CASCADE')
      table.integer('actor_id').nullable().references('users.id').onDelete('SET NULL')
      table.string('kind', 20).notNullable() // field | tag | consent
      table.jsonb('data').notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['workspace_id', 'contact_id', 'created_at'])
    })

    this.schema.createTable('crm_notes', (table) => {
      table.bigIncrements('id')
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.bigInteger('contact_id').notNullable()
      table.foreign(['workspace_id', 'contact_id']).references(['workspace_id', 'id']).inTable('contacts').onDelete('CASCADE')
      table.integer('author_id').nullable().references('users.id').onDelete('SET NULL')
      table.text('body').notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['workspace_id', 'contact_id', 'created_at'])
    })

    // The columns each member picked for the contacts list.
    this.schema.createTable('crm_list_columns', (table) => {
      table.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE')
      table.integer('user_id').notNullable().references('users.id').onDelete('CASCADE')
      table.jsonb('columns').notNullable()
      table.primary(['workspace_id', 'user_id'])
    })
  }

  async down() {
    for (const name of ['crm_list_columns', 'crm_notes', 'crm_contact_events', 'crm_segments', 'crm_fields', 'crm_contact_tags', 'crm_tags']) {
      this.schema.dropTable(name)
    }
    this.schema.raw('drop trigger if exists crm_count_conversations on conversations')
    this.schema.raw('drop function if exists crm_count_conversations()')
    for (const index of ['contacts_workspace_id_id', 'contacts_attributes_trgm', 'contacts_attributes_gin', 'contacts_email_trgm', 'contacts_crm_name', 'contacts_crm_last_seen', 'contacts_crm_created']) {
      this.schema.raw(`drop index if exists ${index}`)
    }
    this.schema.raw('drop function if exists crm_attribute_text(jsonb)')
    this.schema.alterTable('contacts', (table) => {
      table.dropColumn('conversation_count')
      table.dropColumn('owner_id')
      table.dropColumn('email')
    })
  }
}
