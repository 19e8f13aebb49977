import app from '@adonisjs/core/services/app'

/**
 * Empties every table, keeping the schema: for groups whose tests commit for real (workers,
 * browsers, other processes). The schema is migrated once per run (tests/bootstrap.ts), not per
 * test: the migrator takes an advisory lock and must release it on the same pooled connection,
 * which fails when background jobs between tests hand it another one.
 */
export async function truncateTables() {
  const ace = await app.container.make('ace')
  const command = await ace.exec('db:truncate', [])
  if (command.exitCode) throw command.error ?? new Error('db:truncate failed')
}
