#!/usr/bin/env node
/*
 * npm test [-- <node ace test args>] — runs the Japa suites against their own database.
 *
 * The test configuration is given as real environment variables to every child: they win
 * over .env (and over a developer's .env.test) in @adonisjs/env, so no file is written.
 *   DB_DATABASE=switchboard_test (TEST_DB_DATABASE to change), NODE_ENV=test,
 *   MAIL_MAILER=file, LIMITER_STORE=redis, SESSION_DRIVER=memory,
 *   PORT=3334 unless PORT is given (so a running quickstart on 3333 does not collide).
 * SESSION_DRIVER must be memory: the Japa session plugins (@adonisjs/session api_client and
 * browser_client, behind withSession / withCsrfToken / loginAs) write the session into the
 * memory store and send only its id; a cookie-store server never sees that data.
 *
 * Steps: dependencies, .env with an APP_KEY, PostgreSQL and Redis checks, the test
 * database, `node ace migration:fresh --force`, assets once, then `node ace test`.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ensureEnvFile, loadConfig, ROOT } from './lib/env.mjs'
import { ace, ensureDependencies, log, StepError, viteBuild } from './lib/proc.mjs'
import { checkRedis, ensurePostgresDatabase } from './lib/services.mjs'

async function main() {
  await ensureDependencies()

  const envFile = ensureEnvFile()
  if (envFile.created) log('Created .env from .env.example with a new APP_KEY.')

  const testEnv = {
    NODE_ENV: 'test',
    DB_DATABASE: process.env.TEST_DB_DATABASE || 'switchboard_test',
    MAIL_MAILER: 'file',
    LIMITER_STORE: 'redis',
    SESSION_DRIVER: 'memory',
    PORT: process.env.PORT || '3334',
  }
  const config = loadConfig(ROOT, testEnv)
  const childEnv = { ...process.env, ...testEnv }

  await checkRedis(config)
  if (await ensurePostgresDatabase(config, config.DB_DATABASE)) {
    log(`Created database "${config.DB_DATABASE}".`)
  }

  await ace(['migration:fresh', '--force'], { env: childEnv })

  if (!existsSync(join(ROOT, 'public', 'assets', '.vite', 'manifest.json'))) {
    log('Building assets once (public/assets is missing)...')
    await viteBuild({ env: { ...childEnv, NODE_ENV: 'production' } })
  }

  // `node ace test` itself: its exit code is ours.
  const child = spawn(process.execPath, ['ace', 'test', ...process.argv.slice(2)], {
    cwd: ROOT,
    env: childEnv,
    stdio: 'inherit',
  })
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal))
  }
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal === 'SIGINT' ? 130 : 1))
  })
}

main().catch((error) => {
  process.stderr.write(`\n${error instanceof StepError ? error.message : (error?.stack ?? error)}\n`)
  process.exit(error?.exitCode ?? 1)
})
