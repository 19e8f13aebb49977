/*
 * Helpers for scripts/bench.mjs: child processes that are always stopped, free ports,
 * waiting for HTTP, a tiny cookie jar, autocannon runs, the compiled app started with its own
 * database and Redis database (web process, workers, console commands, a seeded workspace),
 * CPU time of child processes from /proc, percentiles and tables.
 */
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs'
import net from 'node:net'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { pathToFileURL } from 'node:url'
import autocannon from 'autocannon'
import { from as copyFrom } from 'pg-copy-streams'
import { generateAppKey, loadConfig } from '../lib/env.mjs'
import { checkRedis, ensurePostgresDatabase } from '../lib/services.mjs'

const isWindows = process.platform === 'win32'

/** The bench could not run (as opposed to a budget failing): message for the user, no stack. */
export class BenchError extends Error {
  constructor(message, exitCode = 1) {
    super(message)
    this.exitCode = exitCode
  }
}

export function log(message = '') {
  process.stdout.write(`${message}\n`)
}

/* ---------------------------------------------------------------- child processes */

const children = new Set()

/**
 * Starts a child in its own process group (so a terminal's Ctrl+C reaches only us and we
 * stop it ourselves). Its output is kept (last lines, for error messages) and, when
 * `echo` is set, printed prefixed with `[name]` up to `echoLimit` lines.
 */
export function startChild(name, command, args, { env = process.env, cwd, echo = true, echoLimit = 40 } = {}) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: !isWindows })
  child.benchName = name
  child.stdoutText = ''
  child.tail = []
  let echoed = 0
  let suppressed = 0
  children.add(child)
  child.once('exit', () => {
    children.delete(child)
    if (suppressed > 0) log(`[${name}] (${suppressed} more output lines not shown)`)
  })
  child.once('error', () => children.delete(child))
  for (const [stream, isStdout] of [
    [child.stdout, true],
    [child.stderr, false],
  ]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (isStdout) child.stdoutText += `${line}\n`
      child.tail.push(line)
      if (child.tail.length > 30) child.tail.shift()
      if (!echo || child.quiet) return
      if (echoed < echoLimit) {
        echoed++
        ;(isStdout ? process.stdout : process.stderr).write(`[${name}] ${line}\n`)
      } else {
        suppressed++
      }
    })
  }
  return child
}

export function isRunning(child) {
  return child.exitCode === null && child.signalCode === null
}

function signalChild(child, signal) {
  try {
    if (!isWindows && child.pid) process.kill(-child.pid, signal)
    else child.kill(signal)
  } catch {
    // already gone
  }
}

/** SIGTERM to the child's process group, SIGKILL after `graceMs`. Resolves once it exited. */
export async function stopChild(child, graceMs = STOP_GRACE_MS) {
  if (!child || !isRunning(child)) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.quiet = true // what it says while shutting down is noise
  signalChild(child, 'SIGTERM')
  const timer = setTimeout(() => {
    log(`[${child.benchName}] did not stop within ${graceMs / 1000}s of SIGTERM: SIGKILL${process.env.BENCH_PROFILE ? ' (no CPU profile)' : ''}`)
    signalChild(child, 'SIGKILL')
  }, graceMs)
  await exited
  clearTimeout(timer)
}

/** Stops every child still running (used on success, on error and on SIGINT). */
export async function stopAllChildren() {
  await Promise.all([...children].map((child) => stopChild(child)))
}

/** Last resort when the process exits without having awaited stopAllChildren(). */
process.on('exit', () => {
  for (const child of children) if (isRunning(child)) signalChild(child, 'SIGKILL')
})

/** Runs a command to completion (output not echoed unless `echo`); rejects with its output tail. */
export function runToEnd(name, command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = startChild(name, command, args, { echo: false, ...options })
    child.once('error', (error) => reject(new BenchError(`${name} could not start: ${error.message}`)))
    child.once('exit', (code, signal) => {
      if (code === 0) return resolve(child.stdoutText)
      const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`
      reject(new BenchError(`${name} ${how}:\n${indent(child.tail.join('\n'))}`))
    })
  })
}

export function indent(text, prefix = '    ') {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n')
}

/* ---------------------------------------------------------------- network */

/** A TCP port that is free on `host` right now. */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ host, port: 0 }, () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Polls `url` until it answers 200. Fails early when `child` exits, and after `timeoutMs`.
 */
export async function waitForOk(url, { child, timeoutMs = 60_000, what = url } = {}) {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer'
  while (Date.now() < deadline) {
    if (child && !isRunning(child)) {
      throw new BenchError(
        `${child.benchName} exited (code ${child.exitCode ?? child.signalCode}) before ${what} answered:\n${indent(child.tail.join('\n'))}`
      )
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) })
      const text = await response.text()
      if (response.status === 200) return
      last = `${response.status} ${text.slice(0, 300)}`
    } catch (error) {
      last = error.cause?.code ?? error.message
    }
    await sleep(250)
  }
  throw new BenchError(`${what} did not answer 200 within ${timeoutMs / 1000}s (last: ${last})`)
}

/**
 * After a load run the server may still be working through requests whose sockets
 * autocannon already closed. Waits until `url` answers quickly twice in a row, so the
 * next run (or the shutdown) does not inherit that backlog.
 */
export async function settle(url, { quickMs = 50, timeoutMs = 30_000 } = {}) {
  const deadline = Date.now() + timeoutMs
  let quick = 0
  while (Date.now() < deadline && quick < 2) {
    const started = performance.now()
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) })
      await response.arrayBuffer()
      quick = performance.now() - started < quickMs ? quick + 1 : 0
    } catch {
      quick = 0
    }
    if (quick < 2) await sleep(100)
  }
}

/* ---------------------------------------------------------------- cookies */

/** Just enough of a cookie jar for one host: name → value, from Set-Cookie headers. */
export class CookieJar {
  #cookies = new Map()

  store(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';')
      const index = pair.indexOf('=')
      if (index < 0) continue
      const name = pair.slice(0, index).trim()
      const value = pair.slice(index + 1).trim()
      const expired = attributes.some((attribute) => {
        const [key, val] = attribute.split('=').map((part) => part?.trim().toLowerCase())
        if (key === 'max-age') return Number(val) <= 0
        if (key === 'expires') return Date.parse(val) < Date.now()
        return false
      })
      if (expired || value === '') this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
  }

  header() {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  get size() {
    return this.#cookies.size
  }
}

/* ---------------------------------------------------------------- autocannon */

/**
 * One autocannon run. Returns the raw result plus the figures we report.
 * Connection errors and timeouts are counted apart from non-2xx answers.
 * `requests` (autocannon's, e.g. with a `setupRequest` that signs a fresh body each time) and
 * `amount` (a fixed number of requests instead of `duration`) are passed through.
 */
export async function cannon({ url, headers = {}, connections, duration, amount, requests, method, body }) {
  const result = await autocannon({
    url,
    headers,
    connections,
    ...(amount ? { amount } : { duration }),
    ...(requests ? { requests } : {}),
    ...(method ? { method } : {}),
    ...(body ? { body } : {}),
  })
  return {
    raw: result,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    total: result.requests.total,
    ok: result['2xx'],
    seconds: result.duration,
  }
}

/* ---------------------------------------------------------------- figures */

/** A small deterministic PRNG (mulberry32): the same load and data on every run. */
export function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The `fraction` percentile of an ascending array (nearest rank). */
export function percentile(sorted, fraction) {
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]
}

export const pick = (random, list) => list[Math.floor(random() * list.length)]

export const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : '—')

/** A positive number from the environment (or `fallback`); a bad value stops the bench (exit 2). */
export function envNumber(name, fallback, { integer = false, min = 1, max = Infinity } = {}) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new BenchError(`${name}=${raw} is not a valid ${integer ? 'whole ' : ''}number (${min}…${max}).`, 2)
  }
  return value
}

/**
 * App sources compiled with esbuild (bundled ES modules, `external` left as imports) into
 * `outdir`, for the scenarios that measure one module without building the app: the path of
 * each entry's .mjs, by the entry's name.
 */
export async function bundleSources(root, entryPoints, { outdir, external = [] }) {
  let build
  try {
    ;({ build } = await import('esbuild'))
  } catch (error) {
    throw new BenchError(`esbuild is needed to compile ${Object.values(entryPoints).join(', ')} for the bench: ${error.message}`)
  }
  mkdirSync(outdir, { recursive: true })
  await build({
    entryPoints: Object.fromEntries(Object.entries(entryPoints).map(([name, path]) => [name, join(root, path)])),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    logLevel: 'error',
  })
  return Object.fromEntries(Object.keys(entryPoints).map((name) => [name, join(outdir, `${name}.mjs`)]))
}

/** One of `choices` from the environment (or `fallback`). */
export function envChoice(name, choices, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  if (!choices.includes(raw)) throw new BenchError(`${name}=${raw}: expected one of ${choices.join(', ')}.`, 2)
  return raw
}

/** Runs `task(index)` for 0 … count-1 with at most `concurrency` at once; rejects on the first error. */
export async function runPool(count, concurrency, task) {
  let next = 0
  const lane = async () => {
    while (next < count) {
      const index = next++
      await task(index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane))
}

/* ---------------------------------------------------------------- CPU time from /proc */

let clockTicks = null
function ticksPerSecond() {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      clockTicks = 100
    }
  }
  return clockTicks
}

/** Fields of /proc/<pid>/stat after the command name: [0] = state (field 3), [2] = pgrp, [11] = utime … */
function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return text.slice(text.lastIndexOf(')') + 2).split(' ')
  } catch {
    return null
  }
}

export const cpuMeasurable = process.platform === 'linux' && existsSync('/proc/self/stat')

/**
 * CPU time (user + system, ms) of every live process whose process group is `pgid`, plus what
 * their exited and reaped children used. startChild() puts each child in its own group, so this
 * is the child with everything it forked (cluster workers). Linux only; NaN elsewhere.
 */
export function groupCpuMs(pgid) {
  if (!cpuMeasurable || !pgid) return NaN
  let ticks = 0
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const fields = procStat(name)
    if (!fields || Number(fields[2]) !== pgid) continue
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])
  }
  return (ticks / ticksPerSecond()) * 1000
}

/** CPU time (ms) of single processes by pid (not their children): pid → ms. */
export function pidsCpuMs(pids) {
  const out = new Map()
  if (!cpuMeasurable) return out
  for (const pid of pids) {
    const fields = procStat(pid)
    if (fields) out.set(pid, ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond()) * 1000)
  }
  return out
}

/**
 * CPU time (ms) the whole machine spent busy so far (all cores: user, nice, system, irq,
 * softirq, steal), from /proc/stat. Minus what the bench's own processes used, it says how
 * much else ran during a measurement (another test run, a browser...). NaN off Linux.
 * machineBusyMs.kernel() is the irq + softirq part alone: the kernel's network stack, which
 * no process is charged for (loopback TCP between the app, PostgreSQL and Redis).
 */
function procStatCpu() {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number)
  const ms = (ticks) => (ticks / ticksPerSecond()) * 1000
  return { busy: ms(user + nice + system + irq + softirq + steal), kernel: ms(irq + softirq), steal: ms(steal) }
}

export function machineBusyMs() {
  if (!cpuMeasurable) return NaN
  try {
    return procStatCpu().busy
  } catch {
    return NaN
  }
}

machineBusyMs.kernel = () => {
  if (!cpuMeasurable) return NaN
  try {
    return procStatCpu().kernel
  } catch {
    return NaN
  }
}

/**
 * Samples the machine for `ms` before a scenario starts and warns when something else keeps
 * it busy (a test suite, a browser): on a small machine that halves the figures.
 */
export async function warnIfBusy(ms = 2000) {
  const before = machineBusyMs()
  await sleep(ms)
  const cores = (machineBusyMs() - before) / ms
  if (cores > 0.25) {
    log(`Warning: the machine is already busy before the run (${cores.toFixed(2)} of ${availableParallelism()} cores in use): the figures will be low and noisy.`)
  }
  return cores
}

/** This process's own CPU time (ms): the load generator. */
export function ownCpuMs() {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

/* ---------------------------------------------------------------- the compiled app */

export const HOST = '127.0.0.1'
/**
 * The bench's own PostgreSQL database and Redis database: never the ones of development or tests
 * (BENCH_DATABASE / BENCH_REDIS_DB: another, so that two people benching on one machine do not
 * empty each other's).
 */
export const DATABASE = process.env.BENCH_DATABASE || 'switchboard_bench'
if (!/^switchboard_\w*bench\w*$/.test(DATABASE)) throw new Error(`BENCH_DATABASE must look like switchboard_…bench…, not "${DATABASE}": the bench empties its tables.`)
export const REDIS_DB = process.env.BENCH_REDIS_DB || '2'

let prepared = null

/**
 * Everything the compiled app needs, done once per `npm run bench`: the services answer, the
 * database exists and is migrated, the app is built (`node ace build`, as production runs it).
 * Returns the environment every bench process gets: production, `switchboard_bench`, REDIS_DB 2.
 */
export async function prepareApp(root) {
  if (prepared) {
    await warnIfBusy()
    return prepared
  }
  if (REDIS_DB === '0') throw new BenchError('BENCH_REDIS_DB=0 is the Redis database of development and tests; pick another.', 2)
  const config = loadConfig(root, { DB_DATABASE: DATABASE, REDIS_DB })
  const appKey = config.APP_KEY && config.APP_KEY.length >= 32 ? config.APP_KEY : generateAppKey()
  const env = {
    // Everything .env (or .env.example) says: the compiled build runs from build/, without a .env.
    ...config,
    ...process.env,
    NODE_ENV: 'production',
    HOST,
    LOG_LEVEL: 'warn',
    DB_DATABASE: DATABASE,
    REDIS_DB,
    SESSION_DRIVER: 'cookie',
    LIMITER_STORE: 'redis',
    MAIL_MAILER: 'file',
    SIGNUP: 'open',
    APP_KEY: appKey,
    // As production runs it: one web process per core unless BENCH_WEB_CONCURRENCY says otherwise.
    WEB_CONCURRENCY: process.env.BENCH_WEB_CONCURRENCY || 'auto',
    // The per-token API limit (1,200 a minute by default) would answer the load with 429s: raised.
    API_RATE_PER_MINUTE: process.env.BENCH_API_RATE_PER_MINUTE || '100000000',
  }

  log(`Checking PostgreSQL (${config.DB_HOST}:${config.DB_PORT}) and Redis (${config.REDIS_HOST}:${config.REDIS_PORT}, database ${REDIS_DB})...`)
  await checkRedis(config)
  if (await ensurePostgresDatabase(config, DATABASE)) log(`Created database "${DATABASE}".`)

  const buildDir = join(root, 'build')
  if (process.env.BENCH_BUILD === '0' && existsSync(join(buildDir, 'bin', 'server.js'))) {
    log('Using the existing build/ (BENCH_BUILD=0).')
  } else {
    log('Building the app (node ace build)...')
    await runToEnd('node ace build', process.execPath, ['ace', 'build'], { cwd: root, env: { ...process.env, NODE_ENV: 'production' } })
  }
  // The build has no dependencies of its own here: it borrows the checkout's.
  if (!existsSync(join(buildDir, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(buildDir, 'node_modules'), 'dir')

  prepared = { root, config, env, buildDir }
  log('Running migrations (node bin/console.js migration:run --force, in build/)...')
  await consoleCommand(prepared, 'migration:run', ['migration:run', '--force'])
  await warnIfBusy()
  return prepared
}

/** Runs `node bin/console.js <args>` of the build to completion; resolves with its stdout. */
export function consoleCommand(app, name, args, env = {}) {
  return runToEnd(name, process.execPath, ['bin/console.js', ...args], { cwd: app.buildDir, env: { ...app.env, ...env } })
}

const profileStamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')

/**
 * BENCH_PROFILE=1: a V8 CPU profile of the process, written when it exits into its own folder
 * bench/profiles/<time>-<name>/ (the main thread's file has `.0.` in its name; others are helper
 * threads such as pino's). Summarise one with `node scripts/bench/profile_top.mjs <file>`.
 */
export function profileFlags(root, name) {
  if (!process.env.BENCH_PROFILE) return []
  const dir = join(root, 'bench', 'profiles', `${profileStamp}-${name}`)
  log(`Profiling ${name} into ${dir}`)
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', pathToFileURL(join(root, 'scripts', 'bench', 'exit_on_sigterm.mjs')).href]
}

/** How long a stopping process may take before SIGKILL: writing a CPU profile takes a while. */
export const STOP_GRACE_MS = process.env.BENCH_PROFILE ? 30_000 : 5000

/** Starts the compiled web process (`node bin/server.js`) on a free port; resolves once /health answers. */
export async function startWebApp(app, { name = 'app', profileAs = name } = {}) {
  const port = await freePort(HOST)
  const base = `http://${HOST}:${port}`
  log(`Starting the app (production build, port ${port}, WEB_CONCURRENCY=${app.env.WEB_CONCURRENCY})...`)
  const child = startChild(name, process.execPath, [...profileFlags(app.root, profileAs), 'bin/server.js'], {
    cwd: app.buildDir,
    env: { ...app.env, PORT: String(port), APP_URL: base },
  })
  await waitForOk(`${base}/health`, { child, timeoutMs: 90_000, what: 'GET /health' })
  return { child, base, port }
}

/** Starts `node bin/console.js queue:work --concurrency <n>` of the build; resolves once it listens. */
export async function startWorker(app, { name = 'worker', profileAs = name, concurrency = 5, appUrl } = {}) {
  const child = startChild(
    name,
    process.execPath,
    [...profileFlags(app.root, profileAs), 'bin/console.js', 'queue:work', '--concurrency', String(concurrency)],
    { cwd: app.buildDir, env: { ...app.env, ...(appUrl ? { APP_URL: appUrl } : {}) } }
  )
  await waitForLine(child, /worker started/, { timeoutMs: 60_000, what: `${name} (queue:work)` })
  return child
}

/** Resolves once `child` printed a line matching `pattern`; fails when it exits first or after `timeoutMs`. */
export async function waitForLine(child, pattern, { timeoutMs = 30_000, what = child.benchName } = {}) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (pattern.test(child.stdoutText) || child.tail.some((line) => pattern.test(line))) return
    if (!isRunning(child)) {
      throw new BenchError(`${what} exited (code ${child.exitCode ?? child.signalCode}) before it was ready:\n${indent(child.tail.join('\n'))}`)
    }
    await sleep(100)
  }
  throw new BenchError(`${what} did not say it was ready within ${timeoutMs / 1000}s:\n${indent(child.tail.join('\n'))}`)
}

/**
 * A workspace to measure: signs up over HTTP (signUp), enables `plugins` with
 * `plugin:enable`, and issues an API token with every ability of the owner (`token:create`).
 */
export async function seedWorkspace(app, web, { plugins = [] } = {}) {
  const { slug, cookie, fullName } = await signUp(web.base, web.child)
  log(`Signed up; workspace "${slug}".`)
  for (const plugin of plugins) await consoleCommand(app, `plugin:enable ${plugin}`, ['plugin:enable', plugin, '--workspace', slug])
  const tokenOut = await consoleCommand(app, 'token:create', ['token:create', '--workspace', slug, '--name', 'bench'])
  const token = tokenOut.trim().split('\n').pop()?.trim()
  if (!token || /\s/.test(token)) throw new BenchError(`token:create printed no token on stdout:\n${indent(tokenOut)}`)
  return { slug, cookie, fullName, token }
}

/**
 * POST /signup like a browser: GET the form for its _csrf field and cookies, post it, keep
 * the cookies of the 302 to /w/<slug> and of that page — a signed-in session.
 */
export async function signUp(base, app) {
  const jar = new CookieJar()
  const form = await fetch(`${base}/signup`, { redirect: 'manual', headers: { accept: 'text/html' } })
  const html = await form.text()
  if (form.status !== 200) {
    throw new BenchError(`GET /signup answered ${form.status} (expected 200):\n${indent(html.slice(0, 500))}`)
  }
  jar.store(form)
  const input = html.match(/<input\b[^>]*\bname=["']_csrf["'][^>]*>/i)?.[0]
  const csrf = input?.match(/\bvalue=(["'])([^"']+)\1/)?.[2]
  if (!csrf) throw new BenchError('GET /signup has no hidden _csrf input; cannot sign up.')

  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
  const fullName = `Bench User ${id}`
  const body = new URLSearchParams({
    _csrf: csrf,
    fullName,
    email: `bench-${id}@bench.switchboard.test`,
    password: `bench-${randomBytes(12).toString('hex')}`,
    organizationName: `Bench ${id}`,
  })
  const response = await fetch(`${base}/signup`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie: jar.header() },
    body,
  })
  const text = await response.text()
  const location = response.headers.get('location') ?? ''
  const slug = location.match(/^(?:https?:\/\/[^/]+)?\/w\/([^/?#]+)/)?.[1]
  if (response.status !== 302 || !slug) {
    throw new BenchError(
      `POST /signup answered ${response.status}${location ? ` → ${location}` : ''} (expected 302 to /w/<slug>).` +
        `${isRunning(app) ? '' : ' The app has exited.'}\n${indent((text || app.tail.join('\n')).slice(0, 800))}`
    )
  }
  jar.store(response)
  // Follow the redirect as a browser does and keep what the first visit sets (the session
  // remembers the last workspace): a fixed cookie without it would rewrite the session on
  // every request of the run, which no browser does.
  const landing = await fetch(new URL(location, base), { redirect: 'manual', headers: { accept: 'text/html', cookie: jar.header() } })
  await landing.text()
  jar.store(landing)
  return { slug: decodeURIComponent(slug), cookie: jar.header(), fullName }
}

/** JSON over fetch; throws a BenchError naming the call unless the status is `expect`. */
export async function jsonCall(url, { method = 'GET', body, headers = {}, expect = 200, what } = {}) {
  const response = await fetch(url, {
    method,
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  })
  const text = await response.text()
  const expected = Array.isArray(expect) ? expect : [expect]
  if (!expected.includes(response.status)) {
    throw new BenchError(`${what ?? `${method} ${url}`} answered ${response.status}, expected ${expected.join(' or ')}:\n${indent(text.slice(0, 600))}`)
  }
  return text ? JSON.parse(text) : null
}

/** A pg Pool on the bench database (the bench's own queries are named, so they can be told apart). */
export async function benchPool(app, { max = 4, name = 'switchboard-bench' } = {}) {
  const { default: pg } = await import('pg')
  const pool = new pg.Pool({
    host: app.config.DB_HOST,
    port: Number(app.config.DB_PORT),
    user: app.config.DB_USER,
    password: app.config.DB_PASSWORD || undefined,
    database: DATABASE,
    max,
    application_name: name,
  })
  pool.on('error', () => {})
  return pool
}

/**
 * Empties the bench's Redis database (REDIS_DB, 2 unless BENCH_REDIS_DB says otherwise): queues
 * and rate windows left by an earlier, interrupted run. Never database 0.
 */
export async function flushBenchRedis(app) {
  if (String(app.env.REDIS_DB) === '0') throw new BenchError('Refusing to flush Redis database 0.')
  const { Redis } = await import('ioredis')
  const client = new Redis({
    host: app.config.REDIS_HOST,
    port: Number(app.config.REDIS_PORT),
    password: app.config.REDIS_PASSWORD || undefined,
    db: Number(app.env.REDIS_DB),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  })
  try {
    await client.connect()
    await client.flushdb()
  } finally {
    client.disconnect()
  }
}

/** Redis's own CPU time (ms, user + system), for the whole server: other databases' clients count too. */
export async function redisCpuMs(app) {
  const { Redis } = await import('ioredis')
  const client = new Redis({
    host: app.config.REDIS_HOST,
    port: Number(app.config.REDIS_PORT),
    password: app.config.REDIS_PASSWORD || undefined,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  })
  try {
    await client.connect()
    const info = await client.info('cpu')
    const value = (key) => Number(info.match(new RegExp(`^${key}:([\\d.]+)`, 'm'))?.[1])
    return (value('used_cpu_user') + value('used_cpu_sys')) * 1000
  } catch {
    return NaN
  } finally {
    client.disconnect()
  }
}

/** CPU (ms) of the PostgreSQL backends serving the app's connections to the bench database (not the bench's own). */
export async function postgresBackendsCpu(pool) {
  const { rows } = await pool.query(
    "select pid from pg_stat_activity where datname = $1 and coalesce(application_name, '') <> 'switchboard-bench'",
    [DATABASE]
  )
  return pidsCpuMs(rows.map((row) => row.pid))
}

/** CPU used between two postgresBackendsCpu() snapshots (a backend that started meanwhile counts from 0). */
export function postgresCpuDelta(before, after) {
  let total = 0
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0)
  return total
}

/* ---------------------------------------------------------------- seeding and closed-loop load */

/** Names of seeded contacts (Cyrillic and Latin), and their phones: +7900 and seven digits. */
export const FIRST = ['Анна', 'Иван', 'Мария', 'Ольга', 'Дмитрий', 'Sofia', 'Lucas', 'Amira', 'Kenji', 'Olga', 'Пётр', 'Елена', 'Chen', 'Fatima', 'Noah']
export const LAST = ['Иванова', 'Петров', 'Смирнова', 'Kuznetsov', 'Silva', 'Haddad', 'Tanaka', 'Novak', 'Соколов', 'Wang', 'Garcia', 'Попова']
export const phoneOf = (i) => `+7900${String(i).padStart(7, '0')}`

/** COPY's text format: tab-separated, \N for null, backslash, tab and newline escaped. */
const copyField = (value) => (value === null ? '\\N' : String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n'))

/**
 * COPYs rows 1 … count (`row(i)` → the values of `columns`) into `table`, through a pool (a
 * connection of its own) or a client (e.g. inside the caller's transaction).
 */
export async function copyRows(db, table, columns, count, row) {
  const pooled = 'totalCount' in db
  const client = pooled ? await db.connect() : db
  try {
    const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`))
    async function* lines() {
      let chunk = ''
      for (let i = 1; i <= count; i++) {
        chunk += `${row(i).map(copyField).join('\t')}\n`
        if (chunk.length > 1 << 16) {
          yield chunk
          chunk = ''
        }
      }
      if (chunk) yield chunk
    }
    await pipeline(Readable.from(lines()), stream)
  } finally {
    if (pooled) client.release()
  }
}

/**
 * `concurrency` loops, each calling `call(n)` (n: 0, 1, 2 … across the loops) as soon as its last
 * call settled, for `seconds`; every call's latency is kept (performance.now()), so percentiles
 * are exact. `call` resolves true when the answer is what was expected (counted as non-2xx
 * otherwise); a rejection is an error.
 */
export async function timedCalls({ concurrency, seconds, call }) {
  const latencies = []
  let non2xx = 0
  let errors = 0
  let next = 0
  const deadline = performance.now() + seconds * 1000
  const started = performance.now()
  async function loop() {
    while (performance.now() < deadline) {
      const t0 = performance.now()
      try {
        const ok = await call(next++)
        latencies.push(performance.now() - t0)
        if (!ok) non2xx++
      } catch {
        errors++
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop))
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return {
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    non2xx,
    errors,
    timeouts: 0,
    requests: latencies.length,
  }
}

/** timedCalls over HTTP: each loop GETs the next of `urls`; `check(body)` may reject a 2xx answer. */
export function timedLoad({ urls, headers = {}, concurrency, seconds, check }) {
  return timedCalls({
    concurrency,
    seconds,
    async call(n) {
      const response = await fetch(urls[n % urls.length], { headers, redirect: 'manual' })
      const text = await response.text()
      return response.status >= 200 && response.status <= 299 && (!check || check(text))
    },
  })
}

/* ---------------------------------------------------------------- tables */

/**
 * Prints rows as a table: `columns` is [{ header, cell(row) → string, right? }]. Right-aligned
 * columns are numbers.
 */
export function printColumns(columns, rows) {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)))
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((row) => row[i].length)))
  const line = (row) => row.map((cell, i) => (columns[i].right ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd()
  log(line(columns.map((column) => column.header)))
  log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of cells) log(line(row))
}
