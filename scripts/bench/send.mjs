/*
 * Scenario "send": 10,000 outbound messages through one whatsapp-cloud channel whose limit is
 * 1,000 messages per second (the platform channel and the simulator number both say so), to the
 * WhatsApp simulator run as a child process (`node bin/console.js wa:simulator` of the build).
 *
 * The customers write first (injected through the simulator, processed by the platform), so the
 * 24-hour windows are open; then the messages are queued as fast as possible and the simulator's
 * accepted timestamps say how fast they went out: the achieved rate, the busiest one-second
 * window, and the throttle answers (130429) the platform provoked.
 *
 * Baseline in the same run: the simulator's own capacity — the same number of Cloud API sends
 * blasted straight at it by a plain HTTP client (autocannon), with the limit raised.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import {
  BenchError,
  HOST,
  STOP_GRACE_MS,
  benchPool,
  cannon,
  envChoice,
  envNumber,
  fixed,
  flushBenchRedis,
  freePort,
  groupCpuMs,
  indent,
  isRunning,
  jsonCall,
  log,
  machineBusyMs,
  ownCpuMs,
  postgresBackendsCpu,
  postgresCpuDelta,
  prepareApp,
  redisCpuMs,
  runPool,
  runToEnd,
  seedWorkspace,
  sleep,
  startChild,
  startWebApp,
  startWorker,
  stopChild,
  waitForOk,
} from './support.mjs'

/** Issue 4: at least 90 % of the channel's limit, and never more than the limit in any one second. */
export const BUDGET = { minShareOfLimit: 0.9 }
const DEFAULT_CONCURRENCY = 64
const GRAPH_VERSION = 'v21.0'

export const description = '10,000 messages through a 1,000/s channel to the simulator: achieved rate, busiest second, throttles vs. the simulator alone'

/** Customer i's number (German mobile numbers, as WhatsApp ids). */
const customerPhone = (i) => `49160${String(10_000_000 + i).slice(-8)}`

/** The accepted sends of a simulator number whose text starts with `tag`, as sorted ms timestamps. */
async function acceptedTimes(simUrl, phoneNumberId, tag) {
  const { messages } = await jsonCall(`${simUrl}/_sim/messages?phoneNumberId=${encodeURIComponent(phoneNumberId)}`, { what: 'GET /_sim/messages' })
  return messages
    .filter((m) => m.kind === 'message' && (!tag || String(m.body?.text?.body ?? '').startsWith(tag)))
    .map((m) => Date.parse(m.at))
    .sort((a, b) => a - b)
}

/**
 * Rate over the accepted span, the most sends in any one-second window [t, t + 1000 ms), and the
 * sends of each second counted from the first (where a rate under the limit loses its time).
 */
function sendFigures(times) {
  if (times.length < 2) return { rate: NaN, spanSeconds: NaN, maxWindow: times.length, perSecond: [times.length] }
  const spanSeconds = (times.at(-1) - times[0]) / 1000
  let maxWindow = 0
  for (let start = 0, end = 0; start < times.length; start++) {
    while (end < times.length && times[end] < times[start] + 1000) end++
    maxWindow = Math.max(maxWindow, end - start)
  }
  const perSecond = Array.from({ length: Math.floor(spanSeconds) + 1 }, () => 0)
  for (const time of times) perSecond[Math.floor((time - times[0]) / 1000)]++
  return { rate: times.length / spanSeconds, spanSeconds, maxWindow, perSecond }
}

const throttles = (before, after) => (after.sends.byCode['130429'] ?? 0) - (before.sends.byCode['130429'] ?? 0)

export async function run({ root, connections, connectionsSet, warmup }) {
  const concurrency = connectionsSet ? connections : DEFAULT_CONCURRENCY
  const total = envNumber('BENCH_SEND_MESSAGES', 10_000, { integer: true, max: 40_000 })
  const customers = envNumber('BENCH_SEND_CUSTOMERS', 200, { integer: true, max: 10_000 })
  const limit = envNumber('BENCH_SEND_LIMIT', 1000, { integer: true, max: 1000 })
  const workerCount = envNumber('BENCH_WORKERS', 1, { integer: true, max: 16 })
  const workerConcurrency = envNumber('BENCH_WORKER_CONCURRENCY', 64, { integer: true, max: 1000 })
  const via = envChoice('BENCH_SEND_VIA', ['bulk', 'api', 'action'], 'bulk')
  // bulk: sendMessages() calls of this many messages, two at once (as a campaign queues its audience).
  const bulkBatch = envNumber('BENCH_SEND_BATCH', 500, { integer: true, max: 10_000 })
  const statuses = envChoice('BENCH_SEND_STATUSES', ['batch', 'each', 'off'], 'batch')
  // How long after the last message was queued the bench waits for them all to be sent (then it reports what went).
  const timeoutSeconds = envNumber('BENCH_SEND_TIMEOUT', 60, { max: 3600 })

  const app = await prepareApp(root)
  await flushBenchRedis(app)

  /* ---- the simulator (a child process of the build) and a sink for webhooks nobody reads */
  const simPort = await freePort(HOST)
  const simUrl = `http://${HOST}:${simPort}`
  log(`Starting the WhatsApp simulator (node bin/console.js wa:simulator --port ${simPort})...`)
  // It logs every webhook it posts: kept (for error messages), not echoed.
  const sim = startChild('simulator', process.execPath, ['bin/console.js', 'wa:simulator', '--port', String(simPort), '--host', HOST, '--seed', '7'], {
    cwd: app.buildDir,
    env: app.env,
    echo: false,
  })
  await waitForOk(`${simUrl}/_sim/numbers`, { child: sim, timeoutMs: 60_000, what: 'the simulator' })
  const sinkPort = await freePort(HOST)
  const sinkUrl = `http://${HOST}:${sinkPort}/`
  const sink = startChild('sink', process.execPath, [join(root, 'scripts', 'bench', 'bare_server.mjs'), String(sinkPort), HOST], { cwd: root })
  await waitForOk(sinkUrl, { child: sink, timeoutMs: 10_000, what: 'the webhook sink' })

  /* ---- the platform, a workspace, a channel at `limit` per second pointing at the simulator */
  const web = await startWebApp(app, { profileAs: 'send-app' })
  const seeded = await seedWorkspace(app, web, { plugins: ['whatsapp-cloud'] })
  const auth = { authorization: `Bearer ${seeded.token}` }
  const phoneNumberId = `${Date.now()}${randomBytes(2).readUInt16BE()}`
  const secrets = { accessToken: `EAAG${randomBytes(8).toString('hex')}`, appSecret: randomBytes(12).toString('hex') }
  const created = await jsonCall(`${web.base}/api/v1/channels`, {
    method: 'POST',
    headers: auth,
    expect: 201,
    what: 'POST /api/v1/channels',
    body: {
      provider: 'whatsapp-cloud',
      name: 'Bench',
      phoneNumber: '+15550001111',
      apiBaseUrl: simUrl,
      phoneNumberId,
      wabaId: `waba${phoneNumberId}`,
      throughputPerSecond: limit,
      ...secrets,
    },
  })
  const channelId = created.data.id
  if (created.data.throughputPerSecond !== undefined && created.data.throughputPerSecond !== limit) {
    throw new BenchError(`The channel was created with throughputPerSecond ${created.data.throughputPerSecond}, not ${limit}.`)
  }
  const statusBehaviour = { batch: statuses === 'batch', delayMs: 30 }
  const numberConfig = (webhookUrl) => ({
    mode: 'cloud',
    phoneNumberId,
    wabaId: `waba${phoneNumberId}`,
    displayPhone: '15550001111',
    webhookUrl,
    throughputPerSecond: limit,
    statusBehaviour,
    ...secrets,
  })
  await jsonCall(`${simUrl}/_sim/numbers`, { method: 'POST', body: numberConfig(`${web.base}/webhooks/whatsapp/${channelId}`), expect: 201 })

  log(`Starting ${workerCount} worker process(es) (queue:work --concurrency ${workerConcurrency}; messaging-send runs max(that, 64) at once)...`)
  const workers = []
  for (let i = 0; i < workerCount; i++) {
    workers.push(await startWorker(app, { name: `worker${workerCount > 1 ? i + 1 : ''}`, profileAs: `send-worker${i + 1}`, concurrency: workerConcurrency, appUrl: web.base }))
  }
  const processes = [web.child, ...workers, sim]
  const alive = () => {
    for (const child of processes) {
      if (!isRunning(child)) throw new BenchError(`${child.benchName} exited during the run:\n${indent(child.tail.join('\n'))}`)
    }
  }

  /* ---- the customers write first: their 24-hour windows open on both sides */
  const pool = await benchPool(app)
  log(`Opening ${customers} conversations: each customer writes through the simulator...`)
  await runPool(customers, 16, async (i) => {
    const answer = await jsonCall(`${simUrl}/_sim/inbound`, {
      method: 'POST',
      body: { phoneNumberId, from: customerPhone(i), name: `Kunde ${i}`, type: 'text', text: 'Hallo, ich habe eine Frage.' },
      what: 'POST /_sim/inbound',
    })
    if (!answer.webhook?.ok) throw new BenchError(`The platform did not accept the inbound webhook (${JSON.stringify(answer.webhook)}).`)
  })
  let conversationIds = []
  const openDeadline = Date.now() + 60_000
  for (;;) {
    const { rows } = await pool.query(
      'select id from conversations where channel_id = $1 and window_expires_at > now() + interval \'23 hours\' order by id',
      [channelId]
    )
    conversationIds = rows.map((row) => Number(row.id))
    if (conversationIds.length >= customers) break
    alive()
    if (Date.now() > openDeadline) throw new BenchError(`Only ${conversationIds.length} of ${customers} conversations opened within 60s.`)
    await sleep(200)
  }
  const { rows: owners } = await pool.query(
    "select user_id from memberships where workspace_id = (select workspace_id from channels where id = $1) and role = 'owner' order by id limit 1",
    [channelId]
  )
  const authorId = Number(owners[0]?.user_id)
  const workspaceId = Number((await pool.query('select workspace_id from channels where id = $1', [channelId])).rows[0].workspace_id)
  // BENCH_SEND_STATUSES=off: from now on the number's webhooks (the statuses) go to the sink, not the platform.
  if (statuses === 'off') await jsonCall(`${simUrl}/_sim/numbers`, { method: 'POST', body: numberConfig(sinkUrl), expect: 201 })

  /* ---- queueing: through the API (autocannon) or by the action the API calls (a child process) */
  const queueThroughApi = async (tag, { amount, duration }) => {
    let n = 0
    const figures = await cannon({
      url: `${web.base}/api/v1/conversations/${conversationIds[0]}/messages`,
      connections: concurrency,
      ...(amount ? { amount } : { duration }),
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const i = n++
            return {
              ...request,
              method: 'POST',
              path: `/api/v1/conversations/${conversationIds[i % conversationIds.length]}/messages`,
              headers: { ...auth, 'content-type': 'application/json', accept: 'application/json' },
              body: JSON.stringify({ type: 'text', text: { body: `${tag} #${i}` } }),
            }
          },
        },
      ],
    })
    return { queued: figures.ok, seconds: figures.seconds, rps: figures.rps, p50: figures.p50, p99: figures.p99, non2xx: figures.non2xx, errors: figures.errors }
  }
  const queuedBy = () =>
    via === 'bulk' ? `sendMessages() (bulk, ${bulkBatch} per call, 2 calls at once)` : via === 'action' ? `sendMessage() (the API's action, ${concurrency} at once)` : 'the API'
  const specDir = join(root, 'tmp')
  mkdirSync(specDir, { recursive: true })
  const queueThroughAction = async (tag, count) => {
    const specFile = join(specDir, `bench-send-${process.pid}.json`)
    const shape = via === 'bulk' ? { batch: bulkBatch, concurrency: 2 } : { concurrency }
    writeFileSync(specFile, JSON.stringify({ workspaceId, authorId, conversationIds, count, tag, ...shape }))
    try {
      const out = await runToEnd('send_enqueue', process.execPath, [join(root, 'scripts', 'bench', 'send_enqueue.mjs'), app.buildDir, specFile], {
        cwd: app.buildDir,
        env: app.env,
      })
      const line = out.split('\n').find((l) => l.startsWith('BENCH-RESULT '))
      if (!line) throw new BenchError(`send_enqueue printed no result:\n${indent(out.slice(-800))}`)
      const result = JSON.parse(line.slice('BENCH-RESULT '.length))
      if (result.firstError) throw new BenchError(`${queuedBy()} refused messages: ${result.firstError}`)
      return { ...result, rps: result.queued / result.seconds, non2xx: count - result.queued, errors: 0 }
    } finally {
      rmSync(specFile, { force: true })
    }
  }

  /** Waits until no message of the channel is queued any more (sent or failed), or `timeoutMs`. */
  const untilSent = async (timeoutMs) => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const { rows } = await pool.query("select count(*)::int as n from messages where channel_id = $1 and direction = 'outbound' and status = 'queued'", [channelId])
      if (rows[0].n === 0) return true
      alive()
      if (Date.now() > deadline) return false
      await sleep(100)
    }
  }

  /* ---- warm-up through the API: also the API's enqueue figures (informative) */
  let apiFigures = null
  if (warmup > 0) {
    log(`Warm-up: ${warmup}s of POST /api/v1/conversations/:id/messages at ${concurrency} at once, then until sent...`)
    apiFigures = await queueThroughApi(`warm-${randomBytes(3).toString('hex')}`, { duration: warmup })
    if (!(await untilSent(timeoutSeconds * 1000))) throw new BenchError('Warm-up: messages still queued after the timeout.')
    await jsonCall(`${simUrl}/_sim/settle?timeoutMs=60000`, { method: 'POST', expect: [200, 504] })
  }

  /* ---- the measured run */
  const tag = `run-${randomBytes(4).toString('hex')}`
  const before = await jsonCall(`${simUrl}/_sim/stats`)
  log(`Queueing ${total} messages ${via === 'api' ? `through POST /api/v1/conversations/:id/messages (${concurrency} at once)` : `by ${queuedBy()}`} to ${conversationIds.length} conversations...`)
  const cpuNow = () => ({
    app: groupCpuMs(web.child.pid),
    workers: workers.reduce((sum, w) => sum + groupCpuMs(w.pid), 0),
    sim: groupCpuMs(sim.pid),
    machine: machineBusyMs(),
    kernel: machineBusyMs.kernel(),
    own: ownCpuMs(),
  })
  const pg0 = await postgresBackendsCpu(pool)
  const redis0 = await redisCpuMs(app)
  const cpu0 = cpuNow()
  const started = performance.now()
  const startedAt = Date.now()
  const queued = via === 'api' ? await queueThroughApi(tag, { amount: total }) : await queueThroughAction(tag, total)
  const queueSeconds = (performance.now() - started) / 1000
  log(`Queued ${queued.queued} in ${fixed(queueSeconds, 1)}s (${fixed(queued.queued / queueSeconds, 0)}/s); waiting until they are sent...`)
  const finished = await untilSent(timeoutSeconds * 1000)
  const cpu1 = cpuNow()
  const pgCpu = postgresCpuDelta(pg0, await postgresBackendsCpu(pool))
  const redisCpu = (await redisCpuMs(app)) - redis0
  const wall = (performance.now() - started) / 1000
  const after = await jsonCall(`${simUrl}/_sim/stats`)
  const times = await acceptedTimes(simUrl, phoneNumberId, tag)
  const platform = sendFigures(times)
  const { rows: statusRows } = await pool.query(
    "select status, count(*)::int as n from messages where channel_id = $1 and direction = 'outbound' and content->>'body' like $2 group by status order by status",
    [channelId, `${tag} #%`]
  )
  const byStatus = Object.fromEntries(statusRows.map((row) => [row.status, row.n]))
  const endedSent = (byStatus.sent ?? 0) + (byStatus.delivered ?? 0) + (byStatus.read ?? 0)
  const throttled = throttles(before, after)

  // Let the statuses reach the platform before it stops (the simulator would retry into a closed port).
  await jsonCall(`${simUrl}/_sim/settle?timeoutMs=60000`, { method: 'POST', expect: [200, 504] })
  await pool.end()
  await Promise.all(workers.map((worker) => stopChild(worker, Math.max(STOP_GRACE_MS, 15_000))))
  await stopChild(web.child)

  /* ---- baseline: the simulator alone, the same number of sends blasted at it, limit raised */
  const basePhone = `${phoneNumberId}9`
  await jsonCall(`${simUrl}/_sim/numbers`, {
    method: 'POST',
    expect: 201,
    body: { ...numberConfig(sinkUrl), phoneNumberId: basePhone, wabaId: `waba${basePhone}`, throughputPerSecond: 1_000_000, windowEnforcement: 'off' },
  })
  const baseTag = `base-${randomBytes(4).toString('hex')}`
  const sendUrl = `${simUrl}/${GRAPH_VERSION}/${basePhone}/messages`
  const blast = async (label, amount) => {
    let n = 0
    return cannon({
      url: sendUrl,
      connections: concurrency,
      amount,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const i = n++
            return {
              ...request,
              method: 'POST',
              headers: { authorization: `Bearer ${secrets.accessToken}`, 'content-type': 'application/json' },
              body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: customerPhone(i % customers), type: 'text', text: { body: `${label} #${i}` } }),
            }
          },
        },
      ],
    })
  }
  if (warmup > 0) {
    log('Warming up the simulator alone (1,000 sends)...')
    await blast(`warm-${baseTag}`, 1000)
    await jsonCall(`${simUrl}/_sim/settle?timeoutMs=60000`, { method: 'POST', expect: [200, 504] })
  }
  log(`Measuring the simulator alone: ${total} Cloud API sends straight at it (${concurrency} at once, limit raised)...`)
  const baseBefore = await jsonCall(`${simUrl}/_sim/stats`)
  const baseRun = await blast(baseTag, total)
  const baseTimes = await acceptedTimes(simUrl, basePhone, baseTag)
  const baseline = sendFigures(baseTimes)
  const baseAfter = await jsonCall(`${simUrl}/_sim/stats`)
  await jsonCall(`${simUrl}/_sim/settle?timeoutMs=30000`, { method: 'POST', expect: [200, 504] })
  await stopChild(sim)
  await stopChild(sink)
  if (!(baseline.rate > 0)) throw new BenchError('The simulator accepted no sends in the baseline run.')

  /* ---- figures */
  const minRate = BUDGET.minShareOfLimit * limit
  const pass = finished && platform.rate >= minRate && platform.maxWindow <= limit && times.length === total && endedSent === total
  const cpu = {
    app: cpu1.app - cpu0.app,
    workers: cpu1.workers - cpu0.workers,
    simulator: cpu1.sim - cpu0.sim,
    postgresBackends: pgCpu,
    redisServer: redisCpu,
    kernelIrq: cpu1.kernel - cpu0.kernel,
    bench: cpu1.own - cpu0.own,
    machine: cpu1.machine - cpu0.machine,
  }
  const perThousand = ((cpu.app + cpu.workers) / Math.max(1, times.length)) * 1000
  const results = [
    {
      name: 'simulator alone: sends blasted at it, limit raised (baseline)',
      url: `/${GRAPH_VERSION}/:phone-number-id/messages`,
      unit: 'msgs/s',
      rps: baseline.rate,
      p50: baseRun.p50,
      p99: baseRun.p99,
      non2xx: baseRun.non2xx,
      errors: baseRun.errors,
      timeouts: baseRun.timeouts,
      requests: baseTimes.length,
      ratioToBaseline: 1,
      maxWindow: baseline.maxWindow,
      throttled: throttles(baseBefore, baseAfter),
      endedSent: baseTimes.length,
      budget: null,
      pass: null,
    },
    ...(apiFigures
      ? [
          {
            name: `enqueue via POST /api/v1/conversations/:id/messages (warm-up, ${warmup}s)`,
            url: '/api/v1/conversations/:id/messages',
            unit: 'msgs/s',
            rps: apiFigures.rps,
            p50: apiFigures.p50,
            p99: apiFigures.p99,
            non2xx: apiFigures.non2xx,
            errors: apiFigures.errors,
            timeouts: 0,
            requests: apiFigures.queued,
            ratioToBaseline: apiFigures.rps / limit,
            ratioLabel: 'limit',
            budget: null,
            pass: null,
            informative: true,
          },
        ]
      : []),
    {
      name: `enqueue ${total} via ${via === 'bulk' ? `sendMessages() × ${bulkBatch}` : via === 'api' ? 'the API' : 'sendMessage() (the API\'s action)'}`,
      url: null,
      unit: 'msgs/s',
      rps: queued.queued / queueSeconds,
      p50: queued.p50,
      p99: queued.p99,
      non2xx: queued.non2xx,
      errors: queued.errors,
      timeouts: 0,
      requests: queued.queued,
      ratioToBaseline: queued.queued / queueSeconds / limit,
      ratioLabel: 'limit',
      budget: null,
      pass: null,
      informative: true,
    },
    {
      name: `sent through the platform at ${limit}/s (app + ${workerCount}× queue:work)`,
      url: null,
      unit: 'msgs/s',
      rps: platform.rate,
      p50: null,
      p99: null,
      non2xx: total - endedSent,
      errors: 0,
      timeouts: 0,
      requests: times.length,
      ratioToBaseline: platform.rate / baseline.rate,
      shareOfLimit: platform.rate / limit,
      maxWindow: platform.maxWindow,
      throttled,
      endedSent,
      cpuMsPer1000: perThousand,
      budget: { minPerSecond: minRate, maxPerSecondWindow: limit },
      pass,
      details: {
        limit,
        messages: total,
        accepted: times.length,
        spanSeconds: platform.spanSeconds,
        perSecond: platform.perSecond,
        wallSeconds: wall,
        finished,
        byStatus,
        queue: { via, seconds: queueSeconds, rate: queued.queued / queueSeconds },
        statuses,
        cpuMs: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Math.round(v)])),
      },
    },
  ]
  const notes = [
    `Channel and simulator number both at ${limit}/s; ${conversationIds.length} conversations with open 24-hour windows (each customer wrote through the simulator first); text messages spread round-robin.`,
    `Queued by ${
      via === 'api'
        ? `POST /api/v1/conversations/:id/messages (autocannon) at ${concurrency} at once`
        : via === 'bulk'
          ? `${queuedBy()} — the kernel's bulk path (plugins/messaging/actions/send_message.ts, tested in sending.spec.ts; campaigns queue through it): each message checked and filtered on its own, one INSERT and one sender wake-up per call — in a child process booted from the build`
          : `${queuedBy()} — the action POST /api/v1/conversations/:id/messages calls — in a child process booted from the build`
    }: ${queued.queued} in ${fixed(queueSeconds, 1)}s; ${finished ? `all sent ${fixed(wall, 1)}s after the first was queued` : `NOT all sent ${fixed(wall, 1)}s after the first was queued (BENCH_SEND_TIMEOUT=${timeoutSeconds}s after the last)`}.`,
    `Processes: web WEB_CONCURRENCY=${app.env.WEB_CONCURRENCY}, ${workerCount} worker process(es) × queue:work --concurrency ${workerConcurrency} (messaging-send: ${Math.max(64, workerConcurrency)} jobs at once per process), the simulator; Redis database ${app.env.REDIS_DB}.`,
    `Statuses: ${statuses === 'off' ? 'posted to a sink, not the platform' : `sent → delivered → read posted back to the platform${statuses === 'batch' ? ', several per POST (Meta batches under load)' : ', one POST each'}`}; messages now ${Object.entries(byStatus).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    `Accepted by the simulator: ${times.length} over ${fixed(platform.spanSeconds, 2)}s; busiest second ${platform.maxWindow}; 130429 answers ${throttled}. The simulator itself refuses a send above the limit, so the 130429 count is where an overshoot shows.`,
    `Accepted in each second from the first accepted send (${fixed((times[0] - startedAt) / 1000, 2)}s after the first was queued): ${platform.perSecond.join(', ')}.`,
    `CPU from the first queued message to the end of the wait (s): app ${fixed(cpu.app / 1000, 1)}, worker(s) ${fixed(cpu.workers / 1000, 1)} (${fixed(perThousand, 0)} ms per 1,000 messages together), ` +
      `PostgreSQL backends ${fixed(cpu.postgresBackends / 1000, 1)}, Redis server ${fixed(cpu.redisServer / 1000, 1)}, simulator ${fixed(cpu.simulator / 1000, 1)}, kernel irq/softirq ${fixed(cpu.kernelIrq / 1000, 1)}, ` +
      `${via !== 'api' ? `the enqueuing process ${fixed(queued.cpuMs / 1000, 1)}, ` : ''}the bench ${fixed(cpu.bench / 1000, 1)}; the whole machine ${fixed(cpu.machine / 1000, 1)} of ${fixed((wall * os.availableParallelism()), 1)} available.`,
  ]
  return { results, notes, settings: { connections: concurrency, workers: workerCount, workerConcurrency, limit, messages: total, customers, via, bulkBatch, statuses } }
}

export const columns = [
  { header: 'target', cell: (r) => r.name },
  { header: 'rate', right: true, cell: (r) => `${fixed(r.rps, 0)} ${r.unit}` },
  { header: 'p50 ms', right: true, cell: (r) => fixed(r.p50, 1) },
  { header: 'p99 ms', right: true, cell: (r) => fixed(r.p99, 1) },
  { header: 'busiest 1 s', right: true, cell: (r) => (r.maxWindow === undefined ? '—' : String(r.maxWindow)) },
  { header: '130429', right: true, cell: (r) => (r.throttled === undefined ? '—' : String(r.throttled)) },
  { header: 'ended sent', right: true, cell: (r) => (r.endedSent === undefined ? '—' : String(r.endedSent)) },
  {
    header: 'vs baseline',
    right: true,
    cell: (r) => (r.shareOfLimit !== undefined ? `${fixed(r.shareOfLimit * 100, 1)} % of limit, ${fixed(r.ratioToBaseline * 100, 1)} % of sim` : r.ratioLabel === 'limit' ? `${fixed(r.ratioToBaseline * 100, 1)} % of limit` : '—'),
  },
  { header: 'CPU ms/1k', right: true, cell: (r) => fixed(r.cpuMsPer1000, 0) },
  { header: 'budget', cell: (r) => (r.budget ? `≥ ${r.budget.minPerSecond}/s, ≤ ${r.budget.maxPerSecondWindow} in any 1 s` : r.informative ? '(informative)' : '(baseline)') },
  { header: 'pass/fail', cell: (r) => (r.pass === null ? '—' : r.pass ? 'PASS' : 'FAIL') },
]

export function failureReasons(r) {
  if (r.pass !== false) return []
  const reasons = []
  if (r.rps < r.budget.minPerSecond) reasons.push(`${fixed(r.rps, 0)} msgs/s < ${r.budget.minPerSecond}`)
  if (r.maxWindow > r.budget.maxPerSecondWindow) reasons.push(`${r.maxWindow} sends in one second > ${r.budget.maxPerSecondWindow}`)
  if (!r.details.finished) reasons.push('messages still queued at the timeout')
  if (r.details.accepted !== r.details.messages) reasons.push(`${r.details.accepted} of ${r.details.messages} accepted by the simulator`)
  if (r.endedSent !== r.details.messages) reasons.push(`${r.endedSent} of ${r.details.messages} ended sent`)
  return reasons
}
