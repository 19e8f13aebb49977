import type { Knex } from 'knex'

/**
 * Names a hot path's statement, sent with the same text every time, as a prepared statement:
 * each pooled connection parses it once, and PostgreSQL keeps its plan after a few runs (it
 * plans it again only while a fresh plan keeps looking cheaper). Planning was most of the
 * server's time for the small statements between a customer's message and a bot's answer
 * (0.2–0.6 ms each, against 0.05–0.3 ms of execution).
 *
 * The rules: one text per name (pg refuses another text under a name a connection holds), so
 * name each variant; values as bindings, and constants (a partial index's condition) as SQL,
 * or the kept plan cannot use that index; result columns named (no `table.*`: a migration adding
 * a column would change the result of the kept plan, which PostgreSQL then refuses to run).
 */
export function prepared<Query extends { knexQuery: Knex.QueryBuilder | Knex.Raw }>(query: Query, name: string): Query {
  query.knexQuery.options({ name })
  return query
}
