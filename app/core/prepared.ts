import type { Knex } from 'knex'
import type { LucidModel } from '@adonisjs/lucid/types/model'

/** Distinct texts named at most: past it a query runs unnamed, not as one more statement on every connection. */
const MAX_TEXTS = 500
/** SQL text → its statement's name; and how many texts each base name stands for. */
const names = new Map<string, string>()
const texts = new Map<string, number>()

/**
 * Names a hot path's statement as a prepared statement: each pooled connection parses it once,
 * and PostgreSQL keeps its plan after a few runs (it plans it again only while a fresh plan keeps
 * looking cheaper). Planning was most of the server's time for the small statements between a
 * customer's message and a bot's answer (0.2–0.6 ms each, against 0.05–0.3 ms of execution).
 *
 * pg refuses a name its connection holds for another text, and a query builder writes another
 * text for what a caller may not see coming (`where(column, null)` is `is null`, an optional
 * clause). So the name is per text: the first text under `name` gets it, another gets
 * `name.2`, and so on. The caller's rules: values as bindings, and constants (a partial index's
 * condition) as SQL, or the kept plan cannot use that index; result columns named (no `table.*`:
 * a migration adding a column would change the result of the kept plan, which PostgreSQL then
 * refuses to run).
 */
export function prepared<Query extends { knexQuery: Knex.QueryBuilder | Knex.Raw; toSQL(): { sql: string } }>(query: Query, name: string): Query {
  // Lucid's toSQL (not knex's): Lucid adds its where clauses to the knex query only then.
  const sql = query.toSQL().sql
  let named = names.get(sql)
  if (named === undefined) {
    if (names.size >= MAX_TEXTS) return query
    const count = (texts.get(name) ?? 0) + 1
    texts.set(name, count)
    named = count === 1 ? name : `${name}.${count}`
    names.set(sql, named)
  }
  query.knexQuery.options({ name: named })
  return query
}

/** A model's columns, to name a prepared statement's result (see `prepared`); qualified by `table` when given. */
export function columnsOf(model: LucidModel, table?: string): string[] {
  return [...model.$columnsDefinitions.values()].map((column) => (table ? `${table}.${column.columnName}` : column.columnName))
}
