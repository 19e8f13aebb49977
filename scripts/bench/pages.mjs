/*
 * Scenario "pages": a bare node:http server (baseline) against the real app in production
 * mode — the signed-in dashboard (GET /w/:slug) and the API (GET /api/v1/workspace), and for
 * reference the framework's floor: GET /health/live (no session, no database, no Redis).
 */
import { join } from 'node:path'
import {
  BenchError,
  HOST,
  cannon,
  flushBenchRedis,
  freePort,
  groupCpuMs,
  indent,
  isRunning,
  log,
  prepareApp,
  seedWorkspace,
  settle,
  startChild,
  startWebApp,
  stopChild,
  waitForOk,
} from './support.mjs'

/** Budgets from the issue, for a 2-core machine. */
export const BUDGETS = {
  dashboard: { p99MaxMs: 50, minRatio: 0.05 },
  api: { p99MaxMs: 50, minRatio: 0.1 },
}

export const description = 'bare node:http vs. the signed-in dashboard and GET /api/v1/workspace'

export async function run({ root, connections, duration, warmup }) {
  /* ---- the compiled app in production mode, its own database (support.mjs) */
  const app = await prepareApp(root)
  await flushBenchRedis(app)
  const web = await startWebApp(app)
  const base = web.base

  /* ---- seed: sign up over HTTP (CSRF + cookies), then an API token through the console */
  const { slug, cookie, fullName, token } = await seedWorkspace(app, web)

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
  // A reference, not a target: the framework's own ceiling on this machine — the server's
  // middleware, routing and a JSON answer, nothing asked of PostgreSQL or Redis.
  const floor = {
    name: 'framework floor GET /health/live',
    key: 'floor',
    url: `${base}/health/live`,
    headers: { accept: 'application/json' },
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
  for (const target of [dashboard, api, floor].filter((t) => !process.env.BENCH_ONLY || t.key === process.env.BENCH_ONLY)) {
    const figures = await measure(target, web.child, { connections, duration, warmup, settleUrl: `${base}/health` })
    appFigures.push({ target, figures })
    await settle(`${base}/health`)
  }
  await stopChild(web.child)

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
    if (!budget) {
      results.push({ ...figures, ratioToBaseline, budget: null, pass: null, reference: true })
      continue
    }
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
  // The server's CPU per request (all its processes) drifts less with the machine than req/s.
  const cpuBefore = groupCpuMs(child.pid)
  const figures = await cannon({ url: target.url, headers: target.headers, connections, duration })
  const cpuMs = groupCpuMs(child.pid) - cpuBefore
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
    cpuMsPer1000: figures.total > 0 ? (cpuMs / figures.total) * 1000 : NaN,
  }
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
