import string from '@adonisjs/core/helpers/string'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'

/** A URL slug from `name`, unique in `table` ("acme", then "acme-2", ...). */
export async function uniqueSlug(table: string, name: string, trx?: TransactionClientContract) {
  const base = string.slug(name, { lower: true, strict: true }).slice(0, 50) || 'workspace'
  const client = trx ?? db
  const taken = new Set<string>(
    (await client.from(table).select('slug').where('slug', base).orWhereLike('slug', `${base}-%`)).map(
      (row: { slug: string }) => row.slug
    )
  )
  if (!taken.has(base)) return base
  let n = 2
  while (taken.has(`${base}-${n}`)) n++
  return `${base}-${n}`
}
