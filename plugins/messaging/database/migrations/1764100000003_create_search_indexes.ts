import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Searching contacts by any part of a name or phone, and messages by any part of their text
 * ("contains", as users type it), with trigram indexes: without them every search reads every
 * contact, and every message of every candidate conversation. pg_trgm ships with PostgreSQL and
 * is a trusted extension (the database's owner may create it).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw('create extension if not exists pg_trgm')
    this.schema.raw('create index contacts_name_trgm on contacts using gin (name gin_trgm_ops)')
    this.schema.raw('create index contacts_profile_name_trgm on contacts using gin (profile_name gin_trgm_ops)')
    this.schema.raw('create index contacts_phone_trgm on contacts using gin (phone gin_trgm_ops)')
    // Text messages and captions: what the inbox searches.
    this.schema.raw(`create index messages_text_trgm on messages using gin ((coalesce(content->>'body', content->>'caption')) gin_trgm_ops)`)
  }

  async down() {
    for (const index of ['messages_text_trgm', 'contacts_phone_trgm', 'contacts_profile_name_trgm', 'contacts_name_trgm']) {
      this.schema.raw(`drop index if exists ${index}`)
    }
  }
}
