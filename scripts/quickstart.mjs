#!/usr/bin/env node
/*
 * npm run quickstart — from a fresh clone to a running Switchboard:
 *   dependencies, .env (with a new APP_KEY), PostgreSQL and Redis checks, the database,
 *   migrations, the demo account, assets, then the web server and the worker together.
 *
 * PORT and HOST given on the command line win over .env (PORT=4000 npm run quickstart).
 * Plain Node ESM: it runs before `npm ci`, so it imports nothing outside node: and ./lib.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ensureEnvFile, loadConfig, ROOT } from './lib/env.mjs'
import { ace, ensureDependencies, exited, log, startService, StepError, viteBuild } from './lib/proc.mjs'
import { checkRedis, ensurePostgresDatabase, portInUse } from './lib/services.mjs'

const DEMO = { email: 'demo@switchboard.local', password: 'switchboard-demo' }
const SIMULATOR_PORT = Number(process.env.WA_SIMULATOR_PORT || 4010)
const SIMULATOR_URL = `http://127.0.0.1:${SIMULATOR_PORT}`
// Written by the demo channel seeder: the simulator's side of the demo number.
const DEMO_NUMBERS = 'tmp/simulator-numbers.json'
const HEALTH_TIMEOUT_MS = 180_000
const STOP_GRACE_MS = 20_000

function step(message) {
  log(`\n-> ${message}`)
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number)
  if (major < 20 || (major === 20 && minor < 11) || major === 21) {
    throw new StepError(`Switchboard needs Node.js 20.11+ (or 22+); this is Node.js ${process.versions.node}.`)
  }
}

/** The address to print for people, and the one to probe /health on. */
function addresses(host, port) {
  const wildcard = host === '0.0.0.0' || host === '::' || host === ''
  const bracket = (h) => (h.includes(':') ? `[${h}]` : h)
  return {
    publicUrl: `http://${wildcard ? 'localhost' : bracket(host)}:${port}`,
    probeUrl: `http://${host === '::' ? '[::1]' : wildcard ? '127.0.0.1' : bracket(host)}:${port}/health`,
  }
}

/** With PORT overridden, a localhost APP_URL (links in e-mails) follows it. */
function appUrlFor(config) {
  if (process.env.APP_URL || !config.APP_URL) return undefined
  try {
    const url = new URL(config.APP_URL)
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
    if (!local || url.port === String(config.PORT)) return undefined
    url.port = String(config.PORT)
    return url.toString().replace(/\/$/, '')
  } catch {
    return undefined
  }
}

async function waitForHealth(url, isAlive) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS
  let last = 'no answer'
  while (Date.now() < deadline) {
    if (!isAlive()) return { ok: false, last: 'the web server exited' }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) })
      if (response.status === 200) return { ok: true }
      last = `HTTP ${response.status} ${await response.text()}`
    } catch (error) {
      last = error.cause?.code ?? error.message
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  return { ok: false, last }
}

async function main() {
  checkNode()

  step('Dependencies')
  const installed = await ensureDependencies()
  if (!installed) log('node_modules present.')

  step('Configuration')
  const envFile = ensureEnvFile()
  if (envFile.created) log('Created .env from .env.example with a new APP_KEY.')
  else if (envFile.keyGenerated) log('.env had no APP_KEY: generated one.')
  else log('.env present.')
  const config = loadConfig()

  step(`Checking PostgreSQL (${config.DB_HOST}:${config.DB_PORT}) and Redis (${config.REDIS_HOST}:${config.REDIS_PORT})`)
  const results = await Promise.allSettled([
    ensurePostgresDatabase(config, config.DB_DATABASE),
    checkRedis(config),
  ])
  const failures = results.filter((result) => result.status === 'rejected').map((result) => result.reason)
  if (failures.length) {
    const unexpected = failures.find((error) => !(error instanceof StepError))
    if (unexpected) throw unexpected
    throw new StepError(failures.map((error) => error.message).join('\n'))
  }
  if (results[0].value) log(`Created database "${config.DB_DATABASE}".`)
  log('Both answer.')

  const appUrl = appUrlFor(config)
  const childEnv = {
    ...process.env,
    PORT: String(config.PORT),
    HOST: config.HOST,
    ...(appUrl ? { APP_URL: appUrl } : {}),
  }

  step('Migrations')
  await ace(['migration:run', '--force'], { env: childEnv })

  // The simulator first: the demo seeder registers its number there and syncs its templates.
  step(`WhatsApp simulator (port ${SIMULATOR_PORT})`)
  const simulatorBusy = await portInUse('127.0.0.1', SIMULATOR_PORT)
  if (simulatorBusy) {
    throw new StepError(`Port ${SIMULATOR_PORT} is not free (${simulatorBusy}) for the WhatsApp simulator: stop what listens there, or set WA_SIMULATOR_PORT.`)
  }
  const simulator = startService('simulator', process.execPath, ['ace', 'wa:simulator', '--port', String(SIMULATOR_PORT), ...(existsSync(join(ROOT, DEMO_NUMBERS)) ? ['--numbers', DEMO_NUMBERS] : [])], { env: childEnv })
  // Whatever fails from here on, the simulator does not outlive the quickstart.
  process.on('exit', () => simulator.exitCode === null && simulator.kill('SIGKILL'))
  const simulatorUp = await waitForHealth(`${SIMULATOR_URL}/_sim/stats`, () => simulator.exitCode === null)
  if (!simulatorUp.ok) throw new StepError(`The WhatsApp simulator did not start (${simulatorUp.last}).`)

  step('Demo account, its simulator channel and marketplace examples')
  await ace(['db:seed', '--files=database/seeders/demo_seeder.ts', '--files=plugins/wa-simulator/database/seeders/demo_channel_seeder.ts', '--files=database/seeders/demo_marketplace_seeder.ts'], {
    env: { ...childEnv, WA_SIMULATOR_URL: SIMULATOR_URL },
  })

  step('Assets (vite build)')
  await viteBuild({ env: { ...childEnv, NODE_ENV: 'production' } })

  step('Starting the web server and the worker')
  const busy = await portInUse(config.HOST, config.PORT)
  if (busy) {
    throw new StepError(
      `Port ${config.PORT} on HOST=${config.HOST} is not free (${busy}): stop what listens there, or pick another port, e.g. PORT=4000 npm run quickstart.`
    )
  }

  // One web process: each would compile the TypeScript sources again (ts-node), and a demo needs no more.
  const productionEnv = { ...childEnv, NODE_ENV: 'production', WEB_CONCURRENCY: '1' }
  const web = startService(
    'web',
    process.execPath,
    ['--import', 'ts-node-maintained/register/esm', 'bin/server.ts'],
    { env: productionEnv }
  )
  const worker = startService('worker', process.execPath, ['ace', 'queue:work'], { env: productionEnv })
  const children = [
    { name: 'web server', child: web },
    { name: 'worker', child: worker },
    { name: 'WhatsApp simulator', child: simulator },
  ]
  const alive = (child) => child.exitCode === null && child.signalCode === null

  let stopping = false
  const stop = async (exitCode, signal = 'SIGTERM') => {
    if (stopping) {
      // A second Ctrl+C: stop waiting.
      for (const { child } of children) if (alive(child)) child.kill('SIGKILL')
      process.exit(1)
    }
    stopping = true
    log(`\nStopping the web server and the worker...`)
    // The web server shuts down gracefully on SIGTERM; the worker on SIGTERM or SIGINT.
    if (alive(web)) web.kill('SIGTERM')
    if (alive(worker)) worker.kill(signal)
    if (alive(simulator)) simulator.kill('SIGTERM')
    const force = setTimeout(() => {
      for (const { child } of children) if (alive(child)) child.kill('SIGKILL')
    }, STOP_GRACE_MS)
    force.unref()
    await Promise.all(children.map(({ child }) => exited(child)))
    process.exit(exitCode)
  }

  process.on('SIGINT', () => stop(0, 'SIGINT'))
  process.on('SIGTERM', () => stop(0, 'SIGTERM'))
  for (const { name, child } of children) {
    child.on('exit', (code, signal) => {
      if (stopping) return
      process.stderr.write(
        `\nThe ${name} stopped (${signal ? `signal ${signal}` : `exit code ${code}`}); stopping everything.\n`
      )
      stop(1)
    })
  }

  const { publicUrl, probeUrl } = addresses(config.HOST, config.PORT)
  const health = await waitForHealth(probeUrl, () => alive(web))
  if (stopping) return
  if (!health.ok) {
    process.stderr.write(`\nThe web server did not answer GET ${probeUrl} with 200 (last: ${health.last}).\n`)
    return stop(1)
  }
  log(
    [
      '',
      '------------------------------------------------------------',
      `  Switchboard is running at ${publicUrl}`,
      `  Demo login: ${DEMO.email} / ${DEMO.password}`,
      `  Chat with your demo WhatsApp number as a customer: ${SIMULATOR_URL}/phone`,
      '  ...and answer in the workspace\'s Inbox.',
      '  Stop with Ctrl+C.',
      '------------------------------------------------------------',
      '',
    ].join('\n')
  )
}

main().catch((error) => {
  if (error instanceof StepError) {
    process.stderr.write(`\n${error.message}\n`)
  } else {
    process.stderr.write(`\nQuickstart failed: ${error?.stack ?? error}\n`)
  }
  process.exit(error?.exitCode ?? 1)
})
