/** A search term is text, not a LIKE pattern. */
export function escapeLike(term: string) {
  return term.replace(/[\\%_]/g, (char) => `\\${char}`)
}

/**
 * "+7 900 12…": the start of a phone number in the international format. Searched as a prefix of
 * the E.164 phone (a btree range on `contacts_phone_prefix`) rather than as digits anywhere: every
 * number of a country shares the trigrams of its first digits, so "contains" would read most of
 * the trigram index on a large workspace (docs/crm-performance.md).
 */
const PHONE_PREFIX = /^\+[\d\s().-]*\d[\d\s().-]*$/

/** The LIKE pattern of a phone prefix search ("+790012%"), or null when `term` is not one. */
export function phonePrefixPattern(term: string) {
  return PHONE_PREFIX.test(term) ? `+${term.replace(/\D/g, '')}%` : null
}

interface Conditions<Q> {
  whereILike(column: string, value: string): Q
  orWhereILike(column: string, value: string): Q
  orWhere(column: string, operator: string, value: string): Q
}

/**
 * Adds "the contact's name or profile name contains `term`, or its phone contains the term's
 * digits (3 or more)" to `query`, as OR conditions: call it inside a `where((q) => …)` group.
 * A phone prefix ("+7 900…") matches the phone's start only.
 * `table` qualifies the contacts columns in a join ("ct." for `contacts as ct`).
 */
export function orContactMatches<Q extends Conditions<Q>>(query: Q, term: string, table = '') {
  const prefix = phonePrefixPattern(term)
  if (prefix) return query.orWhere(`${table}phone`, 'like', prefix)
  const like = `%${escapeLike(term)}%`
  const digits = term.replace(/\D/g, '')
  query.whereILike(`${table}name`, like).orWhereILike(`${table}profile_name`, like)
  if (digits.length >= 3) query.orWhere(`${table}phone`, 'like', `%${digits}%`)
  return query
}
