/** A search term is text, not a LIKE pattern. */
export function escapeLike(term: string) {
  return term.replace(/[\\%_]/g, (char) => `\\${char}`)
}

interface Conditions<Q> {
  whereILike(column: string, value: string): Q
  orWhereILike(column: string, value: string): Q
  orWhere(column: string, operator: string, value: string): Q
}

/**
 * Adds "the contact's name or profile name contains `term`, or its phone contains the term's
 * digits (3 or more)" to `query`, as OR conditions: call it inside a `where((q) => …)` group.
 * `table` qualifies the contacts columns in a join ("ct." for `contacts as ct`).
 */
export function orContactMatches<Q extends Conditions<Q>>(query: Q, term: string, table = '') {
  const like = `%${escapeLike(term)}%`
  const digits = term.replace(/\D/g, '')
  query.whereILike(`${table}name`, like).orWhereILike(`${table}profile_name`, like)
  if (digits.length >= 3) query.orWhere(`${table}phone`, 'like', `%${digits}%`)
  return query
}
