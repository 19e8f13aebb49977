/*
 * Scenario "pages": a bare node:http server (baseline) against the real app in production
 * mode — the signed-in dashboard (GET /w/:slug) and the API (GET /api/v1/workspace).
 */
import { randomBytes } from 'node:crypto'
import { existsSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig, generateAppKey } from '../lib/env.mjs'
import { checkRedis, ensurePostgresDatabase } from '../lib/services.mjs'
import {
  BenchError,
  CookieJar,
  cannon,
  freePort,
  indent,
  isRunning,
  log,
  runToEnd,
  settle,
  startChild,
  stopChild,
  waitForOk,
} from './support.mjs'

const HOST = '127.0.0.1'
const DATABASE = 'switchboard_bench'

/** Budgets from the issue, for a 2-core machine. */
export const BUDGETS = {
  dashboard: { p99MaxMs: 50, minRatio: 0.05 },
  api: { p99MaxMs: 50, minRatio: 0.1 },
}

export const description = 'bare node:http vs. the signed-in dashboard and GET /api/v1/workspace'

export async function run({ root, connections, duration, warmup }) {
  /* ---- the app's environment: production, its own database */
  const config = loadConfig(root, { DB_DATABASE: DATABASE })
  const appPort = await freePort(HOST)
  const appKey = config.APP_KEY && config.APP_KEY.length >= 32 ? config.APP_KEY : generateAppKey()
  const appEnv = {
    // Everything .env (or .env.example) says: the compiled build runs from build/, without a .env.
    ...config,
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(appPort),
    HOST,
    APP_URL: `http://${HOST}:${appPort}`,
    LOG_LEVEL: 'warn',
    DB_DATABASE: DATABASE,
    SESSION_DRIVER: 'cookie',
    LIMITER_STORE: 'redis',
    MAIL_MAILER: 'file',
    SIGNUP: 'open',
    APP_KEY: appKey,
  }

  log(`Checking PostgreSQL (${config.DB_HOST}:${config.DB_PORT}) and Redis (${config.REDIS_HOST}:${config.REDIS_PORT})...`)
  await checkRedis(config)
  if (await ensurePostgresDatabase(config, DATABASE)) log(`Created database "${DATABASE}".`)

  log('Running migrations (node ace migration:run --force)...')
  await runToEnd('migration:run', process.execPath, ['ace', 'migration:run', '--force'], { cwd: root, env: appEnv })

  /* ---- build the app as production runs it (compiled JavaScript, built assets) */
  log('Building the app (node ace build)...')
  await runToEnd('node ace build', process.execPath, ['ace', 'build'], { cwd: root, env: { ...process.env, NODE_ENV: 'production' } })
  const buildDir = join(root, 'build')
  // The build has no dependencies of its own here: it borrows the checkout's.
  if (!existsSync(join(buildDir, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(buildDir, 'node_modules'), 'dir')

  log(`Starting the app (production build, port ${appPort})...`)
  // BENCH_PROFILE=1 writes a V8 CPU profile of the app to bench/profiles/ (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${join(root, 'bench', 'profiles')}`] : []
  const app = startChild('app', process.execPath, [...profile, 'bin/server.js'], { cwd: buildDir, env: appEnv })
  const base = `http://${HOST}:${appPort}`
  await waitForOk(`${base}/health`, { child: app, timeoutMs: 90_000, what: 'GET /health' })

  /* ---- seed: sign up over HTTP (CSRF + cookies), then an API token through ace */
  const { slug, cookie, fullName } = await signUp(base, app)
  log(`Signed up; workspace "${slug}".`)
  const tokenOut = await runToEnd(
    'token:create',
    process.execPath,
    ['ace', 'token:create', '--workspace', slug, '--name', 'bench'],
    { cwd: root, env: appEnv }
  )
  const token = tokenOut.trim().split('\n').pop()?.trim()
  if (!token || /\s/.test(token)) {
    throw new BenchError(`node ace token:create printed no token on stdout:\n${indent(tokenOut)}`)
  }

  const dashboard = {
    name: 'dashboard GET /w/:slug',
    key: 'dashboard',
    url: `${base}/w/${encodeURIComponent(slug)}`,
    headers: { cookie, accept: 'text/html' },
  }
  const api = {
    name: 'API GET /api/v1/workspace',
    key: 'api',
    url: `${base}/api/v1/workspace`,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  }
  await checkDashboard(dashboard, fullName)
  await checkApi(api, slug)

  /* ---- the app's targets, the dashboard first: right after sign-up (see bench/README.md) */
  if (warmup + duration > 50) {
    log(
      'Note: the dashboard run may end more than a minute after sign-up. The session cookie is fixed, so from then on ' +
        'every request also writes user_sessions.last_seen_at (a real browser would do so once a minute).'
    )
  }
  const appFigures = []
  // BENCH_ONLY=dashboard|api measures one target (e.g. to profile it alone).
  for (const target of [dashboard, api].filter((t) => !process.env.BENCH_ONLY || t.key === process.env.BENCH_ONLY)) {
    const figures = await measure(target, app, { connections, duration, warmup, settleUrl: `${base}/health` })
    appFigures.push({ target, figures })
    await settle(`${base}/health`)
  }
  await stopChild(app)

  /* ---- baseline: bare node:http, with the app stopped */
  const barePort = await freePort(HOST)
  const bare = startChild('bare', process.execPath, [join(root, 'scripts', 'bench', 'bare_server.mjs'), String(barePort), HOST], {
    cwd: root,
  })
  const bareUrl = `http://${HOST}:${barePort}/`
  await waitForOk(bareUrl, { child: bare, timeoutMs: 10_000, what: 'the bare server' })
  const baseline = await measure({ name: 'bare node:http (baseline)', url: bareUrl, headers: {} }, bare, {
    connections,
    duration,
    warmup,
  })
  await stopChild(bare)
  if (!(baseline.rps > 0)) throw new BenchError('The bare server answered no requests; cannot compute ratios.')

  const results = [{ ...baseline, ratioToBaseline: 1, budget: null, pass: null }]
  for (const { target, figures } of appFigures) {
    const budget = BUDGETS[target.key]
    const ratioToBaseline = figures.rps / baseline.rps
    const pass =
      figures.p99 <= budget.p99MaxMs &&
      ratioToBaseline >= budget.minRatio &&
      figures.non2xx === 0 &&
      figures.errors === 0
    results.push({ ...figures, ratioToBaseline, budget, pass })
  }
  return results
}

/**
 * Warm-up (discarded; then the server's backlog drains), the measured run.
 * Fails when the server died meanwhile.
 */
async function measure(target, child, { connections, duration, warmup, settleUrl }) {
  if (warmup > 0) {
    log(`Warming up ${target.name} (${warmup}s)...`)
    await cannon({ url: target.url, headers: target.headers, connections, duration: warmup })
    if (settleUrl) await settle(settleUrl)
  }
  log(`Measuring ${target.name} (${connections} connections, ${duration}s)...`)
  const figures = await cannon({ url: target.url, headers: target.headers, connections, duration })
  if (!isRunning(child)) {
    throw new BenchError(`${child.benchName} exited during the run of ${target.name}:\n${indent(child.tail.join('\n'))}`)
  }
  return {
    name: target.name,
    url: target.url.replace(/^http:\/\/[^/]+/, ''),
    rps: figures.rps,
    p50: figures.p50,
    p99: figures.p99,
    non2xx: figures.non2xx,
    errors: figures.errors,
    timeouts: figures.timeouts,
    requests: figures.total,
  }
}

/**
 * POST /signup like a browser: GET the form for its _csrf field and cookies, post it, and
 * keep the cookies of the 302 to /w/<slug> — a signed-in session.
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
  return { slug: decodeURIComponent(slug), cookie: jar.header(), fullName }
}

async function checkDashboard(target, fullName) {
  const response = await fetch(target.url, { redirect: 'manual', headers: target.headers })
  const html = await response.text()
  const location = response.headers.get('location')
  if (response.status !== 200) {
    throw new BenchError(
      `The dashboard check failed: GET ${target.url} answered ${response.status}${location ? ` → ${location}` : ''}, ` +
        `not 200 (the session cookie from sign-up was not accepted?).\n${indent(html.slice(0, 500))}`
    )
  }
  if (!html.includes(fullName) || !/<html/i.test(html)) {
    throw new BenchError(`The dashboard check failed: GET ${target.url} is 200 but is not the signed-in dashboard (no "${fullName}").`)
  }
}

async function checkApi(target, slug) {
  const response = await fetch(target.url, { redirect: 'manual', headers: target.headers })
  const text = await response.text()
  if (response.status !== 200) {
    throw new BenchError(`The API check failed: GET ${target.url} answered ${response.status}, not 200.\n${indent(text.slice(0, 500))}`)
  }
  let json
  try {
    json = JSON.parse(text)
  } catch {
    throw new BenchError(`The API check failed: GET ${target.url} did not answer JSON:\n${indent(text.slice(0, 300))}`)
  }
  if (json?.data?.slug !== slug) {
    throw new BenchError(`The API check failed: GET ${target.url} answered another workspace than "${slug}":\n${indent(text.slice(0, 300))}`)
  }
}
