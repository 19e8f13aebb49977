#!/usr/bin/env node
/*
 * npm run bench [scenario] — load benchmarks, each figure next to a baseline measured in
 * the same run. Never part of `npm test`. See bench/README.md.
 *
 *   npm run bench            every scenario
 *   npm run bench pages      one scenario
 *   npm run bench ingest     signed webhooks in, end to end through the worker
 *   npm run bench send       10,000 messages out through the per-number rate limit
 *   npm run bench inbox      the inbox on 100,000 conversations and 1,000,000 messages
 *   npm run bench bots       1,000 bot sessions through a 5-node flow; the editor with 200 nodes
 *   npm run bench sandbox    a marketplace tap through the sandbox runner process vs. in-process
 *   npm run bench crm        the CRM on 1,000,000 contacts: list, search, counts, import, export
 *
 * Environment: BENCH_DURATION (seconds per measured run, default 10), BENCH_WARMUP
 * (seconds of discarded warm-up per target, default 2), BENCH_CONNECTIONS (default 50;
 * ingest and send use 64 unless it is set), and each scenario's own (bench/README.md).
 *
 * Prints a table and writes bench/results.json. Exit code 0 when the bench ran (even if a
 * budget failed: the table says FAIL), non-zero when it could not run.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { ROOT } from './lib/env.mjs'
import { BenchError, log, stopAllChildren } from './bench/support.mjs'
import * as pages from './bench/pages.mjs'
import * as hooks from './bench/hooks.mjs'
import * as ingest from './bench/ingest.mjs'
import * as send from './bench/send.mjs'
import * as inbox from './bench/inbox.mjs'
import * as bots from './bench/bots.mjs'
import * as sandbox from './bench/sandbox.mjs'
import * as crm from './bench/crm.mjs'
import { printColumns } from './bench/support.mjs'

const SCENARIOS = { pages, hooks, ingest, send, inbox, bots, sandbox, crm }

function usage() {
  return [
    'Usage: npm run bench [scenario]',
    '',
    'Scenarios:',
    ...Object.entries(SCENARIOS).map(([name, scenario]) => `  ${name.padEnd(10)} ${scenario.description}`),
    '',
    'Environment: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 2), BENCH_CONNECTIONS (default 50;',
    'ingest and send: 64 unless set). Scenario knobs: see bench/README.md.',
  ].join('\n')
}

function positiveNumber(name, fallback, { integer = false, allowZero = false } = {}) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  const ok = Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && (!integer || Number.isInteger(value))
  if (!ok) throw new BenchError(`${name}=${raw} is not a valid ${integer ? 'whole ' : ''}number of ${name === 'BENCH_CONNECTIONS' ? 'connections' : 'seconds'}.`, 2)
  return value
}

function machineInfo() {
  const cpus = os.cpus()
  return {
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
  }
}

/* ---------------------------------------------------------------- the table */

const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : '—')

function budgetText(budget, reference) {
  if (reference) return '(reference)'
  if (!budget) return '(baseline)'
  return `p99 ≤ ${budget.p99MaxMs} ms, ≥ ${Math.round(budget.minRatio * 100)} %`
}

function printTable(results) {
  const header = ['target', 'req/s (avg)', 'p50 ms', 'p99 ms', 'non-2xx', '% of bare req/s', 'CPU ms/1k req', 'budget', 'pass/fail']
  const rows = results.map((r) => [
    r.name,
    fixed(r.rps, 0),
    fixed(r.p50, 1),
    fixed(r.p99, 1),
    String(r.non2xx + (r.errors ? ` (+${r.errors} err)` : '')),
    fixed(r.ratioToBaseline * 100, 1),
    fixed(r.cpuMsPer1000, 0),
    budgetText(r.budget, r.reference),
    r.pass === null ? '—' : r.pass ? 'PASS' : 'FAIL',
  ])
  const numeric = new Set([1, 2, 3, 4, 5, 6])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells) => cells.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ')
  log(line(header))
  log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of rows) log(line(row))
}

function failureReasons(r) {
  if (r.pass !== false) return []
  const reasons = []
  if (r.p99 > r.budget.p99MaxMs) reasons.push(`p99 ${fixed(r.p99, 1)} ms > ${r.budget.p99MaxMs} ms`)
  if (r.ratioToBaseline < r.budget.minRatio)
    reasons.push(`${fixed(r.ratioToBaseline * 100, 1)} % of bare < ${Math.round(r.budget.minRatio * 100)} %`)
  if (r.non2xx > 0) reasons.push(`${r.non2xx} non-2xx responses`)
  if (r.errors > 0) reasons.push(`${r.errors} connection errors (${r.timeouts} timeouts)`)
  return reasons
}

/* ---------------------------------------------------------------- main */

let stopping = false

async function main() {
  const args = process.argv.slice(2)
  if (args.includes('-h') || args.includes('--help')) {
    log(usage())
    return 0
  }
  const unknown = args.filter((name) => !SCENARIOS[name])
  if (unknown.length) throw new BenchError(`Unknown scenario: ${unknown.join(', ')}\n\n${usage()}`, 2)
  const names = args.length ? [...new Set(args)] : Object.keys(SCENARIOS)

  const options = {
    root: ROOT,
    duration: positiveNumber('BENCH_DURATION', 10),
    warmup: positiveNumber('BENCH_WARMUP', 2, { allowZero: true }),
    connections: positiveNumber('BENCH_CONNECTIONS', 50, { integer: true }),
    // Scenarios with their own default concurrency (ingest, send) use it unless this is set.
    connectionsSet: Boolean(process.env.BENCH_CONNECTIONS),
  }
  const machine = machineInfo()
  log(`Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, ${machine.platform}, Node ${machine.node}`)
  log(`Load: ${options.connections} connections${options.connectionsSet ? '' : ' (ingest, send: 64)'}, ${options.duration}s per target after ${options.warmup}s warm-up (autocannon, in this process)`)

  const reports = []
  for (const name of names) {
    log(`\n=== scenario "${name}" ===`)
    const scenario = SCENARIOS[name]
    // A scenario returns its rows, or { results, notes, settings } (notes are printed under the table).
    const outcome = await scenario.run(options)
    const results = Array.isArray(outcome) ? outcome : outcome.results
    const notes = Array.isArray(outcome) ? [] : (outcome.notes ?? [])
    const report = {
      scenario: name,
      date: new Date().toISOString(),
      machine,
      settings: {
        connections: options.connections,
        durationSeconds: options.duration,
        warmupSeconds: options.warmup,
        ...(Array.isArray(outcome) ? {} : outcome.settings),
      },
      results: results.map((r) => ({
        name: r.name,
        url: r.url,
        ...(r.unit ? { unit: r.unit } : {}),
        rps: Math.round(r.rps * 10) / 10,
        p50: r.p50,
        ...(r.p95 !== undefined ? { p95: r.p95 } : {}),
        p99: r.p99,
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        requests: r.requests,
        ratioToBaseline: Math.round(r.ratioToBaseline * 10000) / 10000,
        ...(r.cpuMsPer1000 !== undefined ? { cpuMsPer1000: Math.round(r.cpuMsPer1000) } : {}),
        budget: r.budget,
        pass: r.pass,
        ...(r.reference ? { reference: true } : {}),
        ...(r.figure ? { figure: r.figure } : {}),
        ...(r.baseline ? { baseline: r.baseline } : {}),
        ...(r.details ? { details: r.details } : {}),
      })),
      ...(notes.length ? { notes } : {}),
    }
    reports.push(report)

    log(`\nScenario "${name}" — ${machine.cores} cores, Node ${machine.node}${scenario.columns ? '' : `, ${options.connections} connections × ${options.duration}s`}`)
    if (scenario.columns) printColumns(scenario.columns, results)
    else printTable(results)
    for (const note of notes) log(`  · ${note}`)
    for (const r of results) {
      const reasons = (scenario.failureReasons ?? failureReasons)(r)
      if (reasons.length) log(`FAIL ${r.name}: ${reasons.join('; ')}`)
    }
  }

  const outDir = join(ROOT, 'bench')
  mkdirSync(outDir, { recursive: true })
  const file = join(outDir, 'results.json')
  writeFileSync(file, `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`)
  log(`\nWrote ${file}`)
  return 0
}

async function shutdown(code) {
  if (stopping) return
  stopping = true
  await stopAllChildren()
  process.exit(code)
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    process.stderr.write(`\n${signal}: stopping the servers...\n`)
    shutdown(signal === 'SIGINT' ? 130 : 143)
  })
}

main()
  .then((code) => shutdown(code))
  .catch((error) => {
    if (stopping) return
    process.stderr.write(`\nbench: ${error instanceof BenchError || error?.name === 'StepError' || error?.constructor?.name === 'StepError' ? error.message : (error?.stack ?? error)}\n`)
    shutdown(error?.exitCode ?? 1)
  })
