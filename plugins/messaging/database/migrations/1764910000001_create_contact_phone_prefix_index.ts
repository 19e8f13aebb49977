import { BaseSchema } from '@adonisjs/lucid/schema'

/*
| Phone prefix search ("+7 900 12…" in any contact search: inbox, CRM, API): a btree range over the workspace's
| phones in byte order, whatever the database's collation (text_pattern_ops serves `like '+7900…%'`).
| The trigram index on phone (messaging's) answers "contains" too, but every Russian number shares
| the trigrams of "+7900…": on a million contacts it reads most of the index for each search.
| The phone's statistics get 1,000 histogram buckets instead of 100: with 100, a four-digit prefix
| was estimated at ten times its matches for some prefixes, and the planner walked the whole list
| newest first instead (0.7 s instead of 1 ms). Why: docs/crm-performance.md.
*/
export default class extends BaseSchema {
  async up() {
    this.schema.raw('create index if not exists contacts_phone_prefix on contacts (workspace_id, phone text_pattern_ops)')
    this.schema.raw('alter table contacts alter column phone set statistics 1000')
  }

  async down() {
    this.schema.raw('alter table contacts alter column phone set statistics -1')
    this.schema.raw('drop index if exists contacts_phone_prefix')
  }
}
