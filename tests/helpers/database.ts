import app from '@adonisjs/core/services/app'

/**
 * Empties every table, keeping the schema: for groups whose tests commit for real (workers,
 * browsers, other processes). The schema is migrated once per run (tests/bootstrap.ts), not per
 * test: the migrator takes an advisory lock and must release it on the same pooled connection,
 * which fails when background jobs between tests hand it another one.
 *
 * A job or a request still finishing (a periodic job, a page's last ping) can hold row locks
 * that TRUNCATE's table locks deadlock with: PostgreSQL then cancels one side, and truncating
 * again once it is gone is all there is to do.
 */
export async function truncateTables() {
  const ace = await app.container.make('ace')
  for (let attempt = 1; ; attempt++) {
    const command = await ace.exec('db:truncate', [])
    if (!command.exitCode) return
    const error = command.error ?? new Error('db:truncate failed')
    if (attempt >= 5 || !/deadlock detected/.test(String((error as Error).message))) throw error
    await new Promise((resolve) => setTimeout(resolve, 100 * attempt))
  }
}
