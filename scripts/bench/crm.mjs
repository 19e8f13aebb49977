/*
 * Scenario "crm": the CRM on a workspace seeded with 1,000,000 contacts (custom fields, tags;
 * COPY): the contacts list with a two-condition filter, searches by phone prefix and by name,
 * segment counts — each beside the bare SQL of the same answer, timed the same way in the same
 * run; then a 100,000-row CSV imported end to end (upload → the import job done in a real worker
 * process) beside a raw COPY of the same rows, and all the contacts exported by a fresh worker
 * whose peak RSS stands beside its RSS when idle.
 */
import { readFileSync } from 'node:fs'
import {
  BenchError,
  FIRST,
  LAST,
  benchPool,
  copyRows,
  envChoice,
  envNumber,
  fixed,
  flushBenchRedis,
  indent,
  isRunning,
  log,
  phoneOf,
  pick,
  prng,
  prepareApp,
  seedWorkspace,
  sleep,
  startWebApp,
  startWorker,
  stopChild,
  timedCalls,
  timedLoad,
} from './support.mjs'

/** Budgets from the issue: latencies p95 (ms), the import's rows/s. */
export const BUDGETS = { list: 100, search: 50, count: 200, importRate: 5000 }
/** "Constant memory": the export's worker may grow this much over its idle RSS (MB), and not keep growing. */
const EXPORT_HEADROOM_MB = 150
const EXPORT_GROWTH_MB = 32

export const description = 'the CRM on 1,000,000 contacts: filtered list, searches, segment counts, a 100,000-row import, a full export'

const FIELDS = [
  { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'starter', 'pro', 'enterprise'] },
  { key: 'city', label: 'City', type: 'text', options: [] },
  { key: 'seats', label: 'Seats', type: 'number', options: [] },
  { key: 'renewal', label: 'Renewal', type: 'date', options: [] },
  { key: 'vip', label: 'VIP', type: 'boolean', options: [] },
]
const PLANS = ['free', 'free', 'free', 'starter', 'starter', 'pro', 'pro', 'pro', 'enterprise']
const CITIES = ['Москва', 'Санкт-Петербург', 'Казань', 'Новосибирск', 'Екатеринбург', 'Almaty', 'Tashkent', 'Dubai', 'Istanbul', 'Berlin', 'São Paulo', 'Jakarta']
/** Tag i's share of contacts: "customer" 30 %, "lead" 25 %, 18 more at 3 % each. */
const TAGS = [
  ['customer', 0.3],
  ['lead', 0.25],
  ...Array.from({ length: 18 }, (_, i) => [`segment-${i + 1}`, 0.03]),
]
const OPT_IN = ['opted_in', 'opted_in', 'opted_in', 'opted_in', 'opted_out', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown']
const DAY = 86_400_000

const iso = (ms) => new Date(ms).toISOString()
const isoDay = (ms) => iso(ms).slice(0, 10)

/**
 * Empties the bench database's contacts (earlier runs' data, with what hangs off them) and COPYs
 * the workspace's contacts and their tags, ids included. The contacts' and tag links' secondary
 * indexes are dropped for the COPY and built again after it, all in one transaction (an
 * interrupted seed leaves them as they were): a bulk load then one sorted build each, as a
 * restore does, instead of a million index insertions per index.
 */
async function seedContacts(pool, { workspaceId, userId, contacts, tagIds }) {
  await pool.query('truncate webhook_events, pending_statuses, media, messages, conversations, contacts, crm_imports, crm_exports restart identity cascade')
  const random = prng(42)
  const now = Date.now()
  const tagLinks = { contact: new Int32Array(contacts * 2), tag: new Int32Array(contacts * 2), count: 0 }

  const client = await pool.connect()
  try {
    await client.query('begin')
    await client.query("set local maintenance_work_mem = '512MB'")
    const { rows: indexes } = await client.query(
      `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
       from pg_index i where i.indrelid in ('contacts'::regclass, 'crm_contact_tags'::regclass) and not i.indisunique and not i.indisprimary`
    )
    for (const index of indexes) await client.query(`drop index ${index.name}`)

    let started = performance.now()
    await copyRows(
      client,
      'contacts',
      ['id', 'workspace_id', 'phone', 'wa_id', 'name', 'profile_name', 'email', 'opt_in_status', 'attributes', 'owner_id', 'conversation_count', 'first_seen_at', 'last_seen_at', 'created_at', 'updated_at'],
      contacts,
      (i) => {
        const profile = `${pick(random, FIRST)} ${pick(random, LAST)}`
        const created = now - Math.floor(random() * 730 * DAY)
        const seen = random() < 0.8 ? created + Math.floor(random() * (now - created)) : null
        const attributes = { plan: pick(random, PLANS), city: pick(random, CITIES) }
        if (random() < 0.6) attributes.seats = 1 + Math.floor(random() * 500)
        if (random() < 0.3) attributes.renewal = isoDay(now + Math.floor(random() * 365 * DAY))
        if (random() < 0.5) attributes.vip = random() < 0.2
        for (let t = 0; t < TAGS.length; t++) {
          if (random() < TAGS[t][1] && tagLinks.count < tagLinks.contact.length) {
            tagLinks.contact[tagLinks.count] = i
            tagLinks.tag[tagLinks.count++] = tagIds[t]
          }
        }
        return [
          i, workspaceId, phoneOf(i), phoneOf(i).slice(1), i % 3 === 0 ? null : profile, profile, i % 2 === 0 ? `client${i}@mail.example` : null,
          pick(random, OPT_IN), JSON.stringify(attributes), i % 5 === 0 ? userId : null, Math.floor(random() * 4),
          seen === null ? null : iso(created), seen === null ? null : iso(seen), iso(created), iso(seen ?? created),
        ]
      }
    )
    log(`  contacts: ${contacts} in ${((performance.now() - started) / 1000).toFixed(1)}s`)

    started = performance.now()
    const at = iso(now)
    await copyRows(client, 'crm_contact_tags', ['workspace_id', 'contact_id', 'tag_id', 'created_at'], tagLinks.count, (n) => [workspaceId, tagLinks.contact[n - 1], tagLinks.tag[n - 1], at])
    log(`  tag links: ${tagLinks.count} in ${((performance.now() - started) / 1000).toFixed(1)}s`)

    started = performance.now()
    for (const index of indexes) await client.query(index.definition)
    await client.query(`select setval(pg_get_serial_sequence('contacts', 'id'), $1)`, [contacts])
    await client.query('commit')
    log(`  ${indexes.length} indexes built in ${((performance.now() - started) / 1000).toFixed(1)}s`)
  } catch (error) {
    await client.query('rollback').catch(() => {})
    throw error
  } finally {
    client.release()
  }
  const started = performance.now()
  // As autovacuum would leave them: statistics, and the visibility map index-only scans rely on.
  await pool.query('vacuum analyze contacts, crm_contact_tags')
  log(`  vacuum analyze in ${((performance.now() - started) / 1000).toFixed(1)}s`)
  return { tagLinks: tagLinks.count }
}

/** The workspace's custom fields, tags and two segments, as a member would have made them. */
async function seedDefinitions(pool, { workspaceId, userId }) {
  for (const [position, field] of FIELDS.entries()) {
    await pool.query(
      'insert into crm_fields (workspace_id, key, label, type, options, position, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, now(), now())',
      [workspaceId, field.key, field.label, field.type, JSON.stringify(field.options), position]
    )
  }
  const tagIds = []
  for (const [name] of TAGS) {
    const { rows } = await pool.query('insert into crm_tags (workspace_id, name, color, created_at, updated_at) values ($1, $2, $3, now(), now()) returning id', [workspaceId, name, '#0ea5e9'])
    tagIds.push(rows[0].id)
  }
  const filters = {
    // Two conditions, as in the issue: a tag and a custom field (~7 % of contacts).
    proCustomers: { match: 'all', rules: [{ field: 'tags', op: 'has_any', value: [tagIds[0]] }, { field: 'cf.plan', op: 'is', value: 'pro' }] },
    // A broad one: opted in and seen in the last 90 days (~4 % of contacts, found among the 40 % opted in).
    recentOptedIn: { match: 'all', rules: [{ field: 'opt_in', op: 'is', value: 'opted_in' }, { field: 'last_seen', op: 'within_days', value: 90 }] },
  }
  const segments = {}
  for (const [name, filter] of Object.entries(filters)) {
    const { rows } = await pool.query(
      'insert into crm_segments (workspace_id, name, filter, created_by_id, created_at, updated_at) values ($1, $2, $3, $4, now(), now()) returning id',
      [workspaceId, name, JSON.stringify(filter), userId]
    )
    segments[name] = rows[0].id
  }
  return { tagIds, filters, segments }
}

/** The CSV to import: `rows` contacts, nine in ten new (+7901…), one in ten already there (updated). */
function importCsv(rows, existing) {
  const random = prng(99)
  const lines = ['Name,Phone,Email,Tags,Plan,City,Seats']
  const values = []
  for (let i = 1; i <= rows; i++) {
    const phone = i % 10 === 0 ? phoneOf(1 + ((i / 10 - 1) * 97) % existing) : `+7901${String(i).padStart(7, '0')}`
    const name = `${pick(random, FIRST)} ${pick(random, LAST)}`
    const row = { name, phone, email: `import${i}@mail.example`, plan: pick(random, PLANS), city: pick(random, CITIES), seats: 1 + Math.floor(random() * 200) }
    values.push(row)
    lines.push(`"${name}",${phone},${row.email},"imported, lead",${row.plan},"${row.city}",${row.seats}`)
  }
  return { text: `${lines.join('\n')}\n`, values }
}

/** Resident set size now and at its peak (MB) of a process, from /proc (Linux). */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN)
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}

/** Polls a transfer's row (crm_imports / crm_exports) until it is done; `sample` runs on every poll. */
async function waitForTransfer(pool, table, id, { worker, timeoutMs = 15 * 60_000, sample = () => {} }) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const { rows } = await pool.query(`select * from ${table} where id = $1`, [id])
    const row = rows[0]
    sample(row)
    if (row?.status === 'done') return row
    if (row?.status === 'failed') throw new BenchError(`${table} ${id} failed: ${row.error}`)
    if (!isRunning(worker)) throw new BenchError(`The worker exited during ${table} ${id}:\n${indent(worker.tail.join('\n'))}`)
    await sleep(100)
  }
  throw new BenchError(`${table} ${id} was not done within ${timeoutMs / 1000}s`)
}

/** A form POST as the signed-in member (the XSRF cookie's token in the header, as the app's scripts send it). */
async function postForm(url, body, { cookie, what }) {
  const xsrf = decodeURIComponent(/(?:^|;\s*)XSRF-TOKEN=([^;]+)/.exec(cookie)?.[1] ?? '')
  const response = await fetch(url, { method: 'POST', body, redirect: 'manual', headers: { cookie, accept: 'text/html', 'x-csrf-token': xsrf } })
  const text = await response.text()
  const location = response.headers.get('location') ?? ''
  if (response.status !== 302) throw new BenchError(`${what} answered ${response.status} (expected 302):\n${indent(text.slice(0, 600))}`)
  return location
}

/**
 * The import: the raw COPY of the same rows (other phones) into the workspace's contacts, rolled
 * back, first, as the baseline; then the file uploaded, the mapping confirmed, and the job waited
 * for in a real worker process.
 */
async function measureImport({ app, pool, base, cookie, rows, existing, workspaceId }) {
  const csv = importCsv(rows, existing)
  const client = await pool.connect()
  let copySeconds
  try {
    // Into the workspace's contacts themselves (a million rows, every index), then rolled back.
    await client.query('begin')
    const started = performance.now()
    await copyRows(client, 'contacts', ['workspace_id', 'phone', 'wa_id', 'name', 'email', 'attributes', 'created_at', 'updated_at'], rows, (i) => {
      const row = csv.values[i - 1]
      const at = new Date().toISOString()
      return [workspaceId, `+7902${String(i).padStart(7, '0')}`, `7902${String(i).padStart(7, '0')}`, row.name, row.email, JSON.stringify({ plan: row.plan, city: row.city, seats: row.seats }), at, at]
    })
    copySeconds = (performance.now() - started) / 1000
  } finally {
    await client.query('rollback')
    client.release()
  }

  const worker = await startWorker(app, { name: 'import-worker', profileAs: 'crm-import-worker', concurrency: 2 })
  log(`Importing a ${rows}-row CSV (${(csv.text.length / 1024 ** 2).toFixed(1)} MB) through the upload, the mapping and the job...`)
  const started = performance.now()
  const form = new FormData()
  form.append('file', new Blob([csv.text], { type: 'text/csv' }), 'contacts.csv')
  const draft = await postForm(`${base}/imports`, form, { cookie, what: 'POST /crm/imports' })
  const id = Number(/\/imports\/(\d+)/.exec(draft)?.[1])
  if (!id) throw new BenchError(`POST /crm/imports redirected to ${draft}, not to an import`)
  const uploaded = performance.now()
  const mapping = ['name', 'phone', 'email', 'tags', 'cf.plan', 'cf.city', 'cf.seats']
  const options = new URLSearchParams({ country: 'RU', policy: 'update' })
  mapping.forEach((target, index) => options.append(`mapping[${index}]`, target))
  await postForm(`${base}/imports/${id}/start`, options, { cookie, what: `POST /crm/imports/${id}/start` })
  const done = await waitForTransfer(pool, 'crm_imports', id, { worker })
  const seconds = (performance.now() - started) / 1000
  await stopChild(worker)
  const written = done.created_count + done.updated_count
  if (written + done.skipped_count + done.failed_count !== rows || done.failed_count > 0) {
    throw new BenchError(`The import wrote ${done.created_count} new and ${done.updated_count} updated contacts, skipped ${done.skipped_count}, failed ${done.failed_count} of ${rows} rows`)
  }
  return { rows, seconds, uploadSeconds: (uploaded - started) / 1000, copySeconds, created: done.created_count, updated: done.updated_count }
}

/** Every contact exported (CSV) by a worker started for it: its idle RSS, then its RSS while it writes. */
async function measureExport({ app, pool, base, cookie }) {
  const worker = await startWorker(app, { name: 'export-worker', profileAs: 'crm-export-worker', concurrency: 1 })
  await sleep(2000)
  const idle = memoryOf(worker.pid).rss
  log(`Exporting every contact (CSV) through a fresh worker (idle RSS ${idle.toFixed(0)} MB)...`)
  const started = performance.now()
  const location = await postForm(`${base}/exports`, new URLSearchParams({ format: 'csv' }), { cookie, what: 'POST /crm/exports' })
  const id = Number(/\/exports\/(\d+)/.exec(location)?.[1])
  if (!id) throw new BenchError(`POST /crm/exports redirected to ${location}, not to an export`)
  const samples = [] // [fraction exported, RSS MB]
  const done = await waitForTransfer(pool, 'crm_exports', id, {
    worker,
    sample: (row) => {
      if (row?.total > 0) samples.push([row.processed / row.total, memoryOf(worker.pid).rss])
    },
  })
  const seconds = (performance.now() - started) / 1000
  const { peak } = memoryOf(worker.pid)
  await stopChild(worker)
  if (done.processed !== done.total) throw new BenchError(`The export wrote ${done.processed} of ${done.total} contacts`)
  const highest = (from, to) => Math.max(...samples.filter(([fraction]) => fraction >= from && fraction <= to).map(([, rss]) => rss))
  return { rows: done.total, seconds, idle, peak, firstQuarter: highest(0, 0.25), lastQuarter: highest(0.75, 1) }
}

export async function run({ root, duration, warmup, connections, connectionsSet }) {
  const concurrency = connectionsSet ? connections : 4
  const contacts = envNumber('BENCH_CRM_CONTACTS', 1_000_000, { integer: true, min: 1000, max: 10_000_000 })
  const importRows = envNumber('BENCH_CRM_IMPORT_ROWS', 100_000, { integer: true, max: 1_000_000 })
  // One part only (after the same seed), while working on it: the queries, the import or the export.
  const only = envChoice('BENCH_CRM_ONLY', ['queries', 'import', 'export'], null)
  const runs = (part) => only === null || only === part

  const app = await prepareApp(root)
  await flushBenchRedis(app)
  const web = await startWebApp(app, { profileAs: 'crm-app' })
  const seeded = await seedWorkspace(app, web, { plugins: ['crm'] })
  const pool = await benchPool(app)
  const { rows } = await pool.query('select w.id as workspace_id, m.user_id from workspaces w join memberships m on m.workspace_id = w.id where w.slug = $1', [seeded.slug])
  const { workspace_id: workspaceId, user_id: userId } = rows[0]

  const { tagIds, filters, segments } = await seedDefinitions(pool, { workspaceId, userId })
  log(`Seeding ${contacts} contacts with custom fields and tags (COPY)...`)
  const { tagLinks } = await seedContacts(pool, { workspaceId, userId, contacts, tagIds })

  const base = `${web.base}/w/${encodeURIComponent(seeded.slug)}/crm`
  const headers = { cookie: seeded.cookie, accept: 'text/html' }
  // The search box asks for the rows only (HTMX), 300 ms after the last key.
  const typing = { ...headers, 'hx-request': 'true' }
  const random = prng(7)
  const phonePrefixes = Array.from({ length: 200 }, () => phoneOf(1 + Math.floor(random() * contacts)).slice(0, 9))
  const names = Array.from({ length: 200 }, (_, i) => (i % 2 ? pick(random, LAST) : pick(random, FIRST)))
  const listed = (html) => html.includes('data-contact=')
  const counted = (html) => /data-count="\d+"/.test(html)
  const hasTag = 'exists (select 1 from crm_contact_tags t where t.workspace_id = ct.workspace_id and t.contact_id = ct.id and t.tag_id = $2)'
  const page = 'select ct.id, ct.name, ct.profile_name, ct.phone, ct.email, ct.attributes from contacts ct where ct.workspace_id = $1'
  const newest = 'order by ct.created_at desc, ct.id desc limit 51'
  // Each page beside the bare SQL of the same answer (the rows of the first page, or the exact count).
  const targets = [
    {
      key: 'list',
      name: 'list, filter: tag + custom field',
      urls: [`${base}/contacts?filter=${encodeURIComponent(JSON.stringify(filters.proCustomers))}`],
      check: listed,
      sql: () => [`${page} and ${hasTag} and ct.attributes @> '{"plan": "pro"}' ${newest}`, [workspaceId, tagIds[0]]],
    },
    {
      key: 'search',
      name: 'search by phone prefix (rows, as typed)',
      headers: typing,
      urls: phonePrefixes.map((prefix) => `${base}/contacts?q=${encodeURIComponent(prefix)}`),
      check: listed,
      sql: (n) => [`${page} and ct.phone like $2 ${newest}`, [workspaceId, `${phonePrefixes[n % phonePrefixes.length]}%`]],
    },
    {
      key: 'search',
      name: 'search by name (rows, as typed)',
      headers: typing,
      urls: names.map((name) => `${base}/contacts?q=${encodeURIComponent(name)}`),
      check: listed,
      sql: (n) => [`${page} and (ct.name ilike $2 or ct.profile_name ilike $2) ${newest}`, [workspaceId, `%${names[n % names.length]}%`]],
    },
    {
      key: 'count',
      name: 'segment count: tag + custom field',
      urls: [`${base}/segments/${segments.proCustomers}/count`],
      check: counted,
      sql: () => [`select count(*) from contacts ct where ct.workspace_id = $1 and ${hasTag} and ct.attributes @> '{"plan": "pro"}'`, [workspaceId, tagIds[0]]],
    },
    {
      key: 'count',
      name: 'segment count: opted in, seen in 90 days',
      urls: [`${base}/segments/${segments.recentOptedIn}/count`],
      check: counted,
      sql: () => [`select count(*) from contacts ct where ct.workspace_id = $1 and ct.opt_in_status = 'opted_in' and ct.last_seen_at >= now() - interval '90 days'`, [workspaceId]],
    },
  ]
  for (const target of targets) {
    const response = await fetch(target.urls[0], { headers: target.headers ?? headers, redirect: 'manual' })
    const html = await response.text()
    if (response.status !== 200 || !target.check(html)) throw new BenchError(`The CRM check failed: ${target.urls[0]} answered ${response.status}:\n${indent(html.slice(0, 400))}`)
  }

  const sqlPool = await benchPool(app, { max: concurrency })
  const measured = []
  const health = await timedLoad({ urls: [`${web.base}/health`], headers, concurrency, seconds: duration })
  for (const target of runs('queries') ? targets : []) {
    const sqlCall = async (n) => {
      const [text, values] = target.sql(n)
      await sqlPool.query(text, values)
      return true
    }
    if (warmup > 0) {
      await timedLoad({ urls: target.urls, headers: target.headers ?? headers, concurrency, seconds: warmup })
      await timedCalls({ concurrency, seconds: warmup, call: sqlCall })
    }
    log(`Measuring ${target.name} (${concurrency} at once, ${duration}s), then its bare SQL...`)
    const result = await timedLoad({ urls: target.urls, headers: target.headers ?? headers, concurrency, seconds: duration, check: target.check })
    if (!isRunning(web.child)) throw new BenchError(`The app exited during ${target.name}:\n${indent(web.child.tail.join('\n'))}`)
    const sql = await timedCalls({ concurrency, seconds: duration, call: sqlCall })
    measured.push({ target, result, sql })
  }
  await sqlPool.end()

  const imported = runs('import') ? await measureImport({ app, pool, base, cookie: seeded.cookie, rows: importRows, existing: contacts, workspaceId }) : null
  const exported = runs('export') ? await measureExport({ app, pool, base, cookie: seeded.cookie }) : null
  await stopChild(web.child)
  await pool.end()

  const results = [{ name: 'app GET /health (framework floor)', url: '/health', ...health, ratioToBaseline: NaN, budget: null, pass: null, reference: true }]
  for (const { target, result, sql } of measured) {
    const budget = { p95MaxMs: BUDGETS[target.key] }
    results.push({
      name: target.name,
      url: target.urls[0].replace(/^http:\/\/[^/]+/, ''),
      ...result,
      ratioToBaseline: result.p95 / sql.p95,
      baseline: `SQL p95 ${fixed(sql.p95, 1)} ms`,
      details: { sql: { query: target.sql(0)[0], p50: sql.p50, p95: sql.p95, p99: sql.p99, perSecond: Math.round(sql.rps) } },
      budget,
      pass: result.p95 <= budget.p95MaxMs && result.non2xx === 0 && result.errors === 0,
    })
  }
  if (imported) {
    const importRate = imported.rows / imported.seconds
    const copyRate = imported.rows / imported.copySeconds
    results.push({
      name: `import ${imported.rows} rows (upload → job done)`,
      url: '/crm/imports',
      unit: 'rows/s',
      rps: importRate,
      p50: NaN,
      p99: NaN,
      non2xx: 0,
      errors: 0,
      timeouts: 0,
      requests: imported.rows,
      figure: `${fixed(importRate, 0)} rows/s`,
      baseline: `raw COPY ${fixed(copyRate, 0)} rows/s`,
      ratioToBaseline: importRate / copyRate,
      details: { seconds: imported.seconds, uploadSeconds: imported.uploadSeconds, created: imported.created, updated: imported.updated, copySeconds: imported.copySeconds, copyRowsPerSecond: Math.round(copyRate) },
      budget: { minRowsPerSecond: BUDGETS.importRate },
      pass: importRate >= BUDGETS.importRate,
    })
  }
  if (exported) {
    const growth = exported.lastQuarter - exported.firstQuarter
    results.push({
      name: `export ${exported.rows} contacts (CSV, peak RSS)`,
      url: '/crm/exports',
      unit: 'MB',
      rps: exported.rows / exported.seconds,
      p50: NaN,
      p99: NaN,
      non2xx: 0,
      errors: 0,
      timeouts: 0,
      requests: exported.rows,
      figure: `peak RSS ${fixed(exported.peak, 0)} MB`,
      baseline: `idle worker ${fixed(exported.idle, 0)} MB`,
      ratioToBaseline: exported.peak / exported.idle,
      details: { seconds: exported.seconds, rowsPerSecond: Math.round(exported.rows / exported.seconds), idleRssMb: exported.idle, peakRssMb: exported.peak, firstQuarterRssMb: exported.firstQuarter, lastQuarterRssMb: exported.lastQuarter },
      budget: { maxOverIdleMb: EXPORT_HEADROOM_MB, maxGrowthMb: EXPORT_GROWTH_MB },
      pass: exported.peak - exported.idle <= EXPORT_HEADROOM_MB && growth <= EXPORT_GROWTH_MB,
    })
  }
  return {
    results,
    settings: { concurrency, contacts, tagLinks, importRows, only },
    notes: [
      `Workspace: ${contacts} contacts (5 custom fields: plan, city, seats, renewal, VIP; ${tagLinks} tag links over 20 tags: "customer" 30 %, "lead" 25 %, 18 at 3 %), seeded with COPY.`,
      `Load: ${concurrency} members at once (closed loop; BENCH_CONNECTIONS changes it), ${duration}s per target after ${warmup}s warm-up; every request's latency from this process. "baseline": the bare SQL of the same answer (the first page's rows; for counts, the exact count, where the page shows an estimate past 1,000) from this process through pg, same concurrency, right after.`,
      'List: the whole page (GET with the filter in the URL: a link, a segment opened). Searches: the rows the search box asks for (HX-Request), 200 phone prefixes (+7900 and 4 digits: ~1,000 matches each) and 200 first names or surnames in turn, newest first.',
      imported && `Import: ${imported.rows} rows (9 in 10 new, 1 in 10 updating a contact; name, phone, e-mail, 2 tags, 3 custom fields), from the POST of the file to the job's row saying done, through a worker process (upload ${fixed(imported.uploadSeconds, 1)} s of ${fixed(imported.seconds, 1)} s); baseline: COPY of the same rows (other phones) into the seeded contacts table (every index), rolled back.`,
      exported && `Export: ${exported.rows} contacts in ${fixed(exported.seconds, 1)} s (${fixed(exported.rows / exported.seconds, 0)} rows/s) by a fresh worker; RSS highest in the first quarter ${fixed(exported.firstQuarter, 0)} MB, in the last ${fixed(exported.lastQuarter, 0)} MB (budget: peak ≤ idle + ${EXPORT_HEADROOM_MB} MB, growth ≤ ${EXPORT_GROWTH_MB} MB).`,
    ].filter(Boolean),
  }
}

export const columns = [
  { header: 'target', cell: (r) => r.name },
  { header: 'req/s', right: true, cell: (r) => (r.unit ? '—' : fixed(r.rps, 0)) },
  { header: 'p50 ms', right: true, cell: (r) => fixed(r.p50, 1) },
  { header: 'p95 ms', right: true, cell: (r) => fixed(r.p95, 1) },
  { header: 'p99 ms', right: true, cell: (r) => fixed(r.p99, 1) },
  { header: 'non-2xx', right: true, cell: (r) => String(r.non2xx + (r.errors ? ` (+${r.errors} err)` : '')) },
  { header: 'figure', right: true, cell: (r) => r.figure ?? (Number.isFinite(r.p95) ? `p95 ${fixed(r.p95, 1)} ms` : '') },
  { header: 'baseline (same run)', cell: (r) => r.baseline ?? '' },
  { header: '× baseline', right: true, cell: (r) => (Number.isFinite(r.ratioToBaseline) ? `${fixed(r.ratioToBaseline, 2)}×` : '—') },
  { header: 'budget', cell: (r) => budgetText(r) },
  { header: 'pass/fail', cell: (r) => (r.pass === null ? '—' : r.pass ? 'PASS' : 'FAIL') },
]

function budgetText(r) {
  if (!r.budget) return '(reference)'
  if (r.budget.p95MaxMs) return `p95 ≤ ${r.budget.p95MaxMs} ms`
  if (r.budget.minRowsPerSecond) return `≥ ${r.budget.minRowsPerSecond} rows/s`
  return `≤ idle + ${r.budget.maxOverIdleMb} MB, flat`
}

export function failureReasons(r) {
  if (r.pass !== false) return []
  const reasons = []
  if (r.budget.p95MaxMs && r.p95 > r.budget.p95MaxMs) reasons.push(`p95 ${fixed(r.p95, 1)} ms > ${r.budget.p95MaxMs} ms`)
  if (r.budget.minRowsPerSecond) reasons.push(`${fixed(r.rps, 0)} rows/s < ${r.budget.minRowsPerSecond}`)
  if (r.budget.maxOverIdleMb) reasons.push(`peak ${fixed(r.details.peakRssMb, 0)} MB vs idle ${fixed(r.details.idleRssMb, 0)} MB; growth ${fixed(r.details.lastQuarterRssMb - r.details.firstQuarterRssMb, 0)} MB`)
  if (r.non2xx > 0) reasons.push(`${r.non2xx} non-2xx (or not the expected page) answers`)
  if (r.errors > 0) reasons.push(`${r.errors} errors`)
  return reasons
}
