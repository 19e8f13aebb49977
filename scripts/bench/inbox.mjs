/*
 * Scenario "inbox": the inbox's pages on a workspace seeded with 100,000 conversations and
 * 1,000,000 messages (COPY), as a few agents click through them: the list, a conversation (its
 * last 50 messages), and searches by phone and by name. Latency percentiles from every request;
 * a bare node:http server and the app's /health, measured the same way in the same run, are
 * the baselines.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import {
  BenchError,
  FIRST,
  HOST,
  LAST,
  benchPool,
  copyRows,
  envNumber,
  fixed,
  flushBenchRedis,
  groupCpuMs,
  freePort,
  indent,
  isRunning,
  jsonCall,
  log,
  percentile,
  phoneOf,
  pick,
  prng,
  prepareApp,
  seedWorkspace,
  startChild,
  startWebApp,
  startWorker,
  stopChild,
  timedLoad,
  waitForOk,
} from './support.mjs'

/** Budgets from the issue (p95, ms). */
export const BUDGETS = { list: 50, conversation: 50, search: 100, live: 250 }

export const description = 'the inbox list, a conversation and searches on 100,000 conversations / 1,000,000 messages'

const WORDS = ['hello', 'order', 'delivery', 'привет', 'заказ', 'доставка', 'when', 'price', 'спасибо', 'thanks', 'tomorrow', 'адрес', 'payment', 'size', 'return']

/**
 * Empties the bench database's messaging tables (earlier runs' data) and COPYs the workspace's
 * contacts, conversations and messages, ids included; then moves the sequences past them.
 */
async function seedInbox(pool, { workspaceId, channelId, userId, conversations, perConversation }) {
  await pool.query('truncate webhook_events, pending_statuses, media, messages, conversations, contacts restart identity cascade')
  const random = prng(42)
  const now = Date.now()
  const activity = new Float64Array(conversations + 1)
  for (let i = 1; i <= conversations; i++) activity[i] = now - Math.floor(random() * 90 * 86_400_000)
  const iso = (ms) => new Date(ms).toISOString()

  let started = performance.now()
  await copyRows(pool, 'contacts', ['id', 'workspace_id', 'phone', 'wa_id', 'name', 'profile_name', 'first_seen_at', 'last_seen_at', 'created_at', 'updated_at'], conversations, (i) => {
    const name = `${pick(random, FIRST)} ${pick(random, LAST)}`
    return [i, workspaceId, phoneOf(i), phoneOf(i).slice(1), i % 3 === 0 ? name : null, name, iso(activity[i] - 86_400_000), iso(activity[i]), iso(activity[i] - 86_400_000), iso(activity[i])]
  })
  log(`  contacts: ${conversations} in ${((performance.now() - started) / 1000).toFixed(1)}s`)

  started = performance.now()
  const statuses = ['open', 'open', 'open', 'pending', 'snoozed', 'resolved', 'resolved', 'resolved', 'resolved', 'resolved']
  await copyRows(
    pool,
    'conversations',
    ['id', 'workspace_id', 'contact_id', 'channel_id', 'status', 'assignee_id', 'snoozed_until', 'last_activity_at', 'unread_count', 'window_expires_at', 'created_at', 'updated_at'],
    conversations,
    (i) => {
      const status = statuses[i % statuses.length]
      return [
        i, workspaceId, i, channelId, status, i % 5 === 0 ? userId : null, status === 'snoozed' ? iso(now + 86_400_000) : null,
        iso(activity[i]), status === 'open' ? i % 4 : 0, iso(activity[i] + 86_400_000), iso(activity[i] - 86_400_000), iso(activity[i]),
      ]
    }
  )
  log(`  conversations: ${conversations} in ${((performance.now() - started) / 1000).toFixed(1)}s`)

  started = performance.now()
  const messages = conversations * perConversation
  await copyRows(
    pool,
    'messages',
    ['id', 'workspace_id', 'conversation_id', 'channel_id', 'direction', 'type', 'content', 'provider_message_id', 'status', 'author_type', 'author_id', 'created_at', 'updated_at'],
    messages,
    (i) => {
      const conversation = Math.ceil(i / perConversation)
      const nth = i - (conversation - 1) * perConversation
      const inbound = nth % 2 === 1
      const at = iso(activity[conversation] - (perConversation - nth) * 60_000)
      const body = Array.from({ length: 3 + Math.floor(random() * 8) }, () => pick(random, WORDS)).join(' ')
      return [
        i, workspaceId, conversation, channelId, inbound ? 'inbound' : 'outbound', 'text', JSON.stringify({ body }), `wamid.bench.${i}`,
        inbound ? 'received' : 'read', inbound ? 'contact' : 'agent', inbound ? String(conversation) : String(userId), at, at,
      ]
    }
  )
  log(`  messages: ${messages} in ${((performance.now() - started) / 1000).toFixed(1)}s`)

  for (const table of ['contacts', 'conversations', 'messages']) {
    await pool.query(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`)
  }
  started = performance.now()
  // As autovacuum would leave them: statistics, and the visibility map index-only scans rely on.
  await pool.query('vacuum analyze contacts, conversations, messages')
  log(`  vacuum analyze in ${((performance.now() - started) / 1000).toFixed(1)}s`)
  return { messages }
}

export async function run({ root, duration, warmup, connections, connectionsSet }) {
  const concurrency = connectionsSet ? connections : 4
  const conversations = envNumber('BENCH_INBOX_CONVERSATIONS', 100_000, { integer: true, max: 10_000_000 })
  const perConversation = envNumber('BENCH_INBOX_MESSAGES_PER_CONVERSATION', 10, { integer: true, max: 1000 })

  const app = await prepareApp(root)
  await flushBenchRedis(app)
  const web = await startWebApp(app, { profileAs: 'inbox-app' })
  const seeded = await seedWorkspace(app, web, { plugins: ['whatsapp-cloud', 'inbox'] })
  const appSecret = randomBytes(16).toString('hex')
  const phoneNumberId = `${Date.now()}`
  const created = await jsonCall(`${web.base}/api/v1/channels`, {
    method: 'POST',
    headers: { authorization: `Bearer ${seeded.token}` },
    expect: 201,
    what: 'POST /api/v1/channels',
    // Opening an unread conversation marks it read at the provider: a closed local port, never Meta.
    body: { provider: 'whatsapp-cloud', name: 'Bench', phoneNumber: '+15550001111', phoneNumberId, wabaId: 'waba', accessToken: `EAAG${randomBytes(8).toString('hex')}`, appSecret, apiBaseUrl: 'http://127.0.0.1:9' },
  })
  const pool = await benchPool(app)
  const { rows } = await pool.query('select c.workspace_id, m.user_id from channels c join memberships m on m.workspace_id = c.workspace_id where c.id = $1', [created.data.id])
  const { workspace_id: workspaceId, user_id: userId } = rows[0]

  log(`Seeding ${conversations} conversations with ${perConversation} messages each (COPY)...`)
  const { messages } = await seedInbox(pool, { workspaceId, channelId: created.data.id, userId, conversations, perConversation })
  await pool.end()

  const base = `${web.base}/w/${encodeURIComponent(seeded.slug)}/inbox`
  const headers = { cookie: seeded.cookie, accept: 'text/html' }
  const random = prng(7)
  // Open conversations (every tenth of them on its first visit is unread: that visit marks it read).
  const openIds = Array.from({ length: 200 }, () => 1 + 10 * Math.floor(random() * (conversations / 10)))
  const phones = Array.from({ length: 200 }, () => phoneOf(1 + Math.floor(random() * conversations)).slice(0, 10))
  const names = Array.from({ length: 200 }, () => pick(random, LAST))
  const targets = [
    { key: 'list', name: 'inbox list (open, all)', urls: [base], check: (html) => html.includes('data-conversation-link') },
    { key: 'conversation', name: 'conversation (last 50 messages)', urls: openIds.map((id) => `${base}/conversations/${id}`), check: (html) => html.includes('data-message=') },
    { key: 'search', name: 'search by phone', urls: phones.map((phone) => `${base}?q=${encodeURIComponent(phone)}`) },
    { key: 'search', name: 'search by name', urls: names.map((name) => `${base}?q=${encodeURIComponent(name)}`) },
  ]
  for (const target of targets) {
    const response = await fetch(target.urls[0], { headers, redirect: 'manual' })
    const html = await response.text()
    if (response.status !== 200 || (target.check && !target.check(html))) {
      throw new BenchError(`The inbox check failed: ${target.urls[0]} answered ${response.status}:\n${indent(html.slice(0, 400))}`)
    }
    log(`${target.name}: ${Buffer.byteLength(html)} bytes of HTML`)
  }

  const figures = []
  const healthUrl = `${web.base}/health`
  // BENCH_ONLY=list|conversation|search|live measures one kind of target (e.g. to profile it alone).
  const only = process.env.BENCH_ONLY
  const measured = [{ key: null, name: 'app GET /health (framework floor)', urls: [healthUrl] }, ...targets].filter((target) => !only || target.key === only)
  for (const target of measured) {
    if (warmup > 0) await timedLoad({ urls: target.urls, headers, concurrency, seconds: warmup })
    log(`Measuring ${target.name} (${concurrency} at once, ${duration}s)...`)
    const cpuBefore = groupCpuMs(web.child.pid)
    const result = await timedLoad({ urls: target.urls, headers, concurrency, seconds: duration, check: target.check })
    // CPU per request of the web process: steadier than latency on a busy machine.
    result.appCpuMsPerRequest = (groupCpuMs(web.child.pid) - cpuBefore) / result.requests
    figures.push({ target, result })
    if (!isRunning(web.child)) throw new BenchError(`The app exited during ${target.name}:\n${indent(web.child.tail.join('\n'))}`)
  }
  const subscribers = envNumber('BENCH_INBOX_SUBSCRIBERS', 500, { integer: true, max: 10_000 })
  const live = !only || only === 'live' ? await measureLive({ app, web, seeded, workspaceId, channelId: created.data.id, appSecret, phoneNumberId, subscribers }) : null
  await stopChild(web.child)

  const barePort = await freePort(HOST)
  const bare = startChild('bare', process.execPath, [join(root, 'scripts', 'bench', 'bare_server.mjs'), String(barePort), HOST], { cwd: root })
  const bareUrl = `http://${HOST}:${barePort}/`
  await waitForOk(bareUrl, { child: bare, timeoutMs: 10_000, what: 'the bare server' })
  if (warmup > 0) await timedLoad({ urls: [bareUrl], concurrency, seconds: warmup })
  const baseline = await timedLoad({ urls: [bareUrl], concurrency, seconds: duration })
  await stopChild(bare)

  const results = [{ name: 'bare node:http (baseline)', url: '/', ...baseline, ratioToBaseline: 1, budget: null, pass: null }]
  for (const { target, result } of figures) {
    const budget = target.key ? { p95MaxMs: BUDGETS[target.key] } : null
    results.push({
      name: target.name,
      url: target.urls[0].replace(/^http:\/\/[^/]+/, ''),
      ...result,
      ratioToBaseline: result.rps / baseline.rps,
      budget,
      pass: budget ? result.p95 <= budget.p95MaxMs && result.non2xx === 0 && result.errors === 0 : null,
    })
  }
  if (live) results.push({
    name: `live: ${subscribers} SSE subscribers get a new message`,
    url: '/__transmit/events',
    rps: NaN,
    p50: live.p50,
    p95: live.p95,
    p99: live.p99,
    non2xx: live.missed,
    errors: live.errors,
    timeouts: 0,
    requests: live.received,
    ratioToBaseline: NaN,
    budget: { p99MaxMs: BUDGETS.live },
    pass: live.p99 <= BUDGETS.live && live.missed === 0 && live.errors === 0,
  })
  return {
    results,
    settings: { concurrency, conversations, messages, subscribers },
    notes: [
      `Workspace: ${conversations} conversations (30 % open, 10 % pending, 5 % snoozed, the rest resolved; a fifth assigned), ${messages} messages, seeded with COPY.`,
      `Web process CPU per request: ${figures.map(({ target, result }) => `${target.name} ${fixed(result.appCpuMsPerRequest, 1)} ms`).join('; ')}.`,
      `Load: ${concurrency} agents at once (closed loop: each asks again as soon as answered; BENCH_CONNECTIONS changes it), ${duration}s per target after ${warmup}s warm-up; latencies of every request, from this process.`,
      'Conversation: 200 open conversations in turn; searches: 200 phone prefixes (+7900 and 5 digits) and 200 surnames in turn.',
      live && `Live: ${subscribers} SSE connections (the agents' open inboxes, one session) subscribed to the workspace's inbox channel; ${live.rounds} signed inbound webhooks one after the other, each timed from its POST to its event at every subscriber (through the web process, the queue, a worker and transmit's Redis transport); "non-2xx" there counts events a subscriber missed.`,
    ].filter(Boolean),
  }
}

/**
 * `subscribers` SSE connections with the seeded agent's session, each subscribed (as the
 * transmit client does: POST /__transmit/subscribe with the XSRF token) to the workspace's
 * inbox channel; then signed inbound webhooks, one at a time, each timed from its POST to its
 * event at every subscriber. A worker processes them, as in production.
 */
async function measureLive({ app, web, seeded, workspaceId, channelId, appSecret, phoneNumberId, subscribers }) {
  const worker = await startWorker(app, { name: 'worker', profileAs: 'inbox-worker', concurrency: 8, appUrl: web.base })
  const xsrf = decodeURIComponent(/(?:^|;\s*)XSRF-TOKEN=([^;]+)/.exec(seeded.cookie)?.[1] ?? '')
  const channel = `workspaces/${workspaceId}/inbox/live`
  // The customer of the seeded conversation 11 (contact 11: +79000000011) writes; each round waits for its event.
  const customer = 11
  let current = null // { started, seen: Set of subscriber indexes }
  const latencies = []
  let errors = 0
  const controllers = []
  log(`Opening ${subscribers} SSE subscribers on ${channel}...`)
  async function subscriber(index) {
    const uid = `bench-${index}-${randomBytes(4).toString('hex')}`
    const controller = new AbortController()
    controllers.push(controller)
    const events = await fetch(`${web.base}/__transmit/events?uid=${uid}`, { headers: { cookie: seeded.cookie, accept: 'text/event-stream' }, signal: controller.signal })
    if (events.status !== 200) throw new BenchError(`GET /__transmit/events answered ${events.status}`)
    const subscribed = await fetch(`${web.base}/__transmit/subscribe`, {
      method: 'POST',
      headers: { cookie: seeded.cookie, 'content-type': 'application/json', 'x-csrf-token': xsrf },
      body: JSON.stringify({ uid, channel }),
    })
    if (subscribed.status !== 204 && subscribed.status !== 200) throw new BenchError(`POST /__transmit/subscribe answered ${subscribed.status}: ${(await subscribed.text()).slice(0, 200)}`)
    ;(async () => {
      const decoder = new TextDecoder()
      let buffer = ''
      try {
        for await (const chunk of events.body) {
          buffer += decoder.decode(chunk, { stream: true })
          let end
          while ((end = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, end)
            buffer = buffer.slice(end + 1)
            if (current && line.includes(`"conversationId":${customer},"messageId":`) && !current.seen.has(index)) {
              current.seen.add(index)
              latencies.push(performance.now() - current.started)
            }
          }
        }
      } catch (error) {
        if (error.name !== 'AbortError') errors++
      }
    })()
  }
  for (let i = 0; i < subscribers; i += 50) await Promise.all(Array.from({ length: Math.min(50, subscribers - i) }, (_, j) => subscriber(i + j)))

  const rounds = 10
  let missed = 0
  const phone = phoneOf(customer).slice(1)
  for (let round = 0; round < rounds; round++) {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'waba', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: phoneNumberId },
        contacts: [{ profile: { name: 'Live Bench' }, wa_id: phone }],
        messages: [{ from: phone, id: `wamid.live.${Date.now()}.${round}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `live ${round}` } }] } }] }],
    })
    current = { started: performance.now(), seen: new Set() }
    const response = await fetch(`${web.base}/webhooks/whatsapp/${channelId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}` },
      body,
    })
    if (response.status !== 200) throw new BenchError(`the live webhook answered ${response.status}`)
    const deadline = performance.now() + 5000
    while (current.seen.size < subscribers && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
    missed += subscribers - current.seen.size
    current = null
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  for (const controller of controllers) controller.abort()
  await stopChild(worker)
  latencies.sort((a, b) => a - b)
  return { rounds, received: latencies.length, missed, errors, p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99) }
}

export const columns = [
  { header: 'target', cell: (r) => r.name },
  { header: 'req/s', right: true, cell: (r) => fixed(r.rps, 0) },
  { header: 'p50 ms', right: true, cell: (r) => fixed(r.p50, 1) },
  { header: 'p95 ms', right: true, cell: (r) => fixed(r.p95, 1) },
  { header: 'p99 ms', right: true, cell: (r) => fixed(r.p99, 1) },
  { header: 'non-2xx', right: true, cell: (r) => String(r.non2xx + (r.errors ? ` (+${r.errors} err)` : '')) },
  { header: '% of bare req/s', right: true, cell: (r) => fixed(r.ratioToBaseline * 100, 1) },
  { header: 'budget', cell: (r) => (!r.budget ? (r.name.includes('baseline') ? '(baseline)' : '(reference)') : r.budget.p99MaxMs ? `p99 ≤ ${r.budget.p99MaxMs} ms` : `p95 ≤ ${r.budget.p95MaxMs} ms`) },
  { header: 'pass/fail', cell: (r) => (r.pass === null ? '—' : r.pass ? 'PASS' : 'FAIL') },
]

export function failureReasons(r) {
  if (r.pass !== false) return []
  const reasons = []
  if (r.budget.p95MaxMs && r.p95 > r.budget.p95MaxMs) reasons.push(`p95 ${fixed(r.p95, 1)} ms > ${r.budget.p95MaxMs} ms`)
  if (r.budget.p99MaxMs && r.p99 > r.budget.p99MaxMs) reasons.push(`p99 ${fixed(r.p99, 1)} ms > ${r.budget.p99MaxMs} ms`)
  if (r.non2xx > 0) reasons.push(`${r.non2xx} non-2xx (or not the expected page) answers`)
  if (r.errors > 0) reasons.push(`${r.errors} connection errors`)
  return reasons
}
