/*
 * Scenario "sandbox" (issue 8): a marketplace script's tap through the sandbox runner — host →
 * runner child process (IPC) → warm isolated-vm isolate → back — against the same tap as a plain
 * function in this process, measured in the same run, plus an isolate in this process and a bare
 * child-process IPC round trip for scale.
 *
 *   warm tap, one at a time          p50 ≤ 0.5 ms, p99 ≤ 2 ms
 *   pipelined over 50 workspaces × 3 scripts   ≥ 10,000 calls/s
 *   cold isolate (create, compile, first call, through the runner)   p50 ≤ 10 ms
 *   idle heap per warm isolate       ≤ 4 MB
 *   runner RSS with 50 workspaces × 3 scripts   (reported)
 *
 * app/sandbox/runner.ts (host side) and runner_main.ts (the child) are TypeScript: bundled with
 * esbuild into tmp/ (isolated-vm stays external), so the code measured is the app's own. The
 * marketplace runtime around them (hook bus tap, metrics, fault counting) is not in the loop: it
 * needs the booted app; the hooks scenario measures the bus.
 *
 * Environment: BENCH_SANDBOX_ITERATIONS (sequential calls per target, default 20000),
 * BENCH_SANDBOX_PIPELINED (pipelined calls, default 100000), BENCH_SANDBOX_WINDOW (calls in
 * flight when pipelined, default 256).
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { performance } from 'node:perf_hooks'
import { BenchError, bundleSources, envNumber, fixed, log, percentile } from './support.mjs'

export const description = 'a marketplace tap through the sandbox runner process vs. the same tap in-process; cold start, idle heap, runner RSS'

export const BUDGET = { warmP50MaxMs: 0.5, warmP99MaxMs: 2, pipelinedMinPerSecond: 10_000, coldP50MaxMs: 10, idleHeapMaxMb: 4 }
const WORKSPACES = 50
const SCRIPTS_PER_WORKSPACE = 3
const HOOK = 'message.received'
const LIMITS = { memoryMb: 32, cpuMs: 50, wallMs: 1000, subrequests: 10, payloadBytes: 1_048_576 }

/** The tap: tag a message that mentions a price. The sandboxed scripts and the in-process baseline do the same. */
const tap = async (event) => ({ tagged: /price|cost/i.test(event.text), n: event.n })
const scriptOf = (variant) => `export default { async '${HOOK}'(event) { return { tagged: /price|cost/i.test(event.text), n: event.n${variant ? ` + ${variant} - ${variant}` : ''} } } }`
const event = (n) => ({ workspaceId: 1, conversationId: 7, text: n % 2 ? 'what is the price?' : 'hello there', n })
/** The host side of capabilities: the benchmark tap makes none. */
const noCapabilities = { invoke: () => undefined }

async function bundle(root) {
  const dir = join(root, 'tmp', `bench-sandbox-${process.pid}`)
  // runner.mjs starts ./runner_main.mjs next to itself, as the built app does with .js.
  const files = await bundleSources(root, { runner: 'app/sandbox/runner.ts', runner_main: 'app/sandbox/runner_main.ts', sandbox: 'app/sandbox/sandbox.ts' }, { outdir: dir, external: ['isolated-vm'] })
  const load = (name) => import(pathToFileURL(files[name]).href)
  return { dir, runner: await load('runner'), sandbox: await load('sandbox') }
}

function summary(samples, seconds) {
  const sorted = Float64Array.from(samples).sort()
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1), count: sorted.length, rps: seconds ? sorted.length / seconds : Number.NaN }
}

/** A bare child process that echoes every IPC message: the transport alone. */
function echoChild() {
  const child = spawn(process.execPath, ['-e', "process.on('message', (m) => process.send(m))"], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const waiting = []
  child.on('message', (message) => waiting.shift()?.(message))
  return { child, roundTrip: (message) => new Promise((resolve) => (waiting.push(resolve), child.send(message))) }
}

/**
 * Runs each target's `call(n)` `iterations` times one at a time, interleaved in chunks (rotating
 * the order so none always runs first). Returns per-target samples (ms) and total seconds.
 */
async function sequential(targets, iterations, warmup) {
  for (const target of targets) for (let i = 0; i < warmup; i++) await target.call(i)
  const chunk = Math.min(2000, iterations)
  const samples = new Map(targets.map((target) => [target.key, []]))
  const seconds = new Map(targets.map((target) => [target.key, 0]))
  for (let done = 0, round = 0; done < iterations; done += chunk, round++) {
    for (let k = 0; k < targets.length; k++) {
      const target = targets[(k + round) % targets.length]
      const into = samples.get(target.key)
      const chunkStarted = performance.now()
      for (let i = 0; i < Math.min(chunk, iterations - done); i++) {
        const started = performance.now()
        const out = await target.call(done + i)
        into.push(performance.now() - started)
        if (out.n !== done + i) throw new BenchError(`${target.key} answered ${JSON.stringify(out)} to call ${done + i}`)
      }
      seconds.set(target.key, seconds.get(target.key) + (performance.now() - chunkStarted) / 1000)
    }
  }
  return new Map(targets.map((target) => [target.key, summary(samples.get(target.key), seconds.get(target.key))]))
}

export async function run({ root }) {
  const iterations = envNumber('BENCH_SANDBOX_ITERATIONS', 20_000, { integer: true })
  const pipelined = envNumber('BENCH_SANDBOX_PIPELINED', 100_000, { integer: true })
  const window = envNumber('BENCH_SANDBOX_WINDOW', 256, { integer: true })

  log('Compiling app/sandbox/runner.ts, runner_main.ts, sandbox.ts (esbuild, into tmp/)...')
  const { dir, runner: runnerModule, sandbox: sandboxModule } = await bundle(root)
  const runner = new runnerModule.SandboxRunner()
  const echo = echoChild()
  const inProcess = new sandboxModule.Sandbox({ spec: { script: scriptOf(0), grants: [], limits: LIMITS }, invoke: async () => undefined })
  const options = () => ({ capabilities: noCapabilities, budget: { deadline: performance.now() + LIMITS.wallMs, subrequests: LIMITS.subrequests }, payloadBytes: LIMITS.payloadBytes })
  // As the marketplace runtime does: JSON out, the answer parsed back (its reviver only drops keys).
  const callRunner = async (key, n) => JSON.parse(await runner.call(key, HOOK, JSON.stringify([event(n)]), options()))

  try {
    /* ---- runner RSS, empty and with 50 workspaces × 3 scripts warm; idle heap per isolate */
    runner.load('empty', { script: scriptOf(0), grants: [], limits: LIMITS })
    await callRunner('empty', 0)
    runner.unload('empty')
    const emptyRss = (await runner.stats()).rss
    log(`Loading ${WORKSPACES} workspaces × ${SCRIPTS_PER_WORKSPACE} scripts into the runner (one warm isolate each)...`)
    const keys = []
    for (let workspace = 1; workspace <= WORKSPACES; workspace++) {
      for (let script = 0; script < SCRIPTS_PER_WORKSPACE; script++) {
        const key = `com.bench.script-${script}@1.0.0:${workspace}`
        runner.load(key, { script: scriptOf(script), grants: [], limits: LIMITS })
        keys.push(key)
      }
    }
    await Promise.all(keys.map((key) => callRunner(key, 0)))
    await new Promise((resolve) => setTimeout(resolve, 500))
    const loaded = await runner.stats()
    const heaps = Object.values(loaded.heaps).sort((a, b) => a - b)
    const heapMb = { mean: heaps.reduce((sum, value) => sum + value, 0) / heaps.length / 2 ** 20, max: heaps.at(-1) / 2 ** 20 }

    /* ---- warm calls, one at a time: runner vs in-process tap, in-process isolate, bare IPC */
    log(`Measuring: ${iterations} sequential calls per target, interleaved...`)
    const warm = await sequential(
      [
        { key: 'tap', call: (n) => tap(event(n)) },
        { key: 'isolate', call: async (n) => JSON.parse(await inProcess.call(HOOK, JSON.stringify([event(n)]), n)) },
        { key: 'ipc', call: (n) => echo.roundTrip(event(n)) },
        { key: 'runner', call: (n) => callRunner(keys[n % keys.length], n) },
      ],
      iterations,
      Math.min(2000, iterations)
    )

    /* ---- pipelined: `window` calls in flight over the 150 warm installations */
    log(`Measuring: ${pipelined} pipelined calls, ${window} in flight, over ${keys.length} installations...`)
    const pipelineSamples = []
    let next = 0
    const pipelineStarted = performance.now()
    await Promise.all(
      Array.from({ length: window }, async () => {
        while (next < pipelined) {
          const n = next++
          const started = performance.now()
          const out = await callRunner(keys[n % keys.length], n)
          pipelineSamples.push(performance.now() - started)
          if (out.n !== n) throw new BenchError(`pipelined call ${n} answered ${JSON.stringify(out)}`)
        }
      })
    )
    const pipeline = summary(pipelineSamples, (performance.now() - pipelineStarted) / 1000)
    const tapPipelineStarted = performance.now()
    await Promise.all(Array.from({ length: pipelined }, (_, n) => tap(event(n))))
    const tapPerSecond = pipelined / ((performance.now() - tapPipelineStarted) / 1000)

    /* ---- cold: a new installation's first call (the runner creates the isolate, compiles, calls) */
    const coldRuns = 200
    log(`Measuring: ${coldRuns} cold starts...`)
    const coldSamples = []
    for (let i = 0; i < coldRuns; i++) {
      const key = `com.bench.cold@1.0.0:${i}`
      runner.load(key, { script: scriptOf(i), grants: [], limits: LIMITS })
      const started = performance.now()
      await callRunner(key, 0)
      coldSamples.push(performance.now() - started)
      runner.unload(key)
    }
    const cold = summary(coldSamples)

    const tapRow = warm.get('tap')
    const runnerRow = warm.get('runner')
    const ratio = (row) => row.p50 / tapRow.p50
    const results = [
      { name: 'same tap, plain async function in this process (baseline)', unit: 'calls/s', ...tapRow, budget: null, pass: null },
      { name: 'same tap, isolated-vm isolate in this process (reference)', unit: 'calls/s', ...warm.get('isolate'), ratio: ratio(warm.get('isolate')), budget: null, pass: null },
      { name: 'bare child-process IPC round trip (reference)', unit: 'calls/s', ...warm.get('ipc'), ratio: ratio(warm.get('ipc')), budget: null, pass: null },
      {
        name: 'sandboxed tap, warm: host → runner → isolate → host',
        unit: 'calls/s',
        ...runnerRow,
        ratio: ratio(runnerRow),
        budget: { p50MaxMs: BUDGET.warmP50MaxMs, p99MaxMs: BUDGET.warmP99MaxMs },
        pass: runnerRow.p50 <= BUDGET.warmP50MaxMs && runnerRow.p99 <= BUDGET.warmP99MaxMs,
      },
      {
        name: `sandboxed tap, pipelined (${window} in flight, ${keys.length} installations)`,
        unit: 'calls/s',
        ...pipeline,
        ratio: tapPerSecond / pipeline.rps,
        ratioLabel: 'slower',
        budget: { minPerSecond: BUDGET.pipelinedMinPerSecond },
        pass: pipeline.rps >= BUDGET.pipelinedMinPerSecond,
      },
      { name: 'cold isolate: create, compile, first call (through the runner)', unit: 'starts', ...cold, rps: Number.NaN, budget: { p50MaxMs: BUDGET.coldP50MaxMs }, pass: cold.p50 <= BUDGET.coldP50MaxMs },
      {
        name: `idle heap per warm isolate (mean of ${heaps.length}; max ${heapMb.max.toFixed(2)} MB)`,
        unit: 'MB',
        value: heapMb.mean,
        p50: Number.NaN,
        p99: Number.NaN,
        rps: Number.NaN,
        count: heaps.length,
        budget: { maxMb: BUDGET.idleHeapMaxMb },
        pass: heapMb.max <= BUDGET.idleHeapMaxMb,
      },
      {
        name: `runner RSS, ${WORKSPACES} workspaces × ${SCRIPTS_PER_WORKSPACE} scripts warm (empty runner: ${(emptyRss / 2 ** 20).toFixed(0)} MB)`,
        unit: 'MB',
        value: loaded.rss / 2 ** 20,
        p50: Number.NaN,
        p99: Number.NaN,
        rps: Number.NaN,
        count: keys.length,
        budget: null,
        pass: null,
      },
    ]
    const notes = [
      `The sandboxed tap's p50 is ${ratio(runnerRow).toFixed(0)}× the in-process function's (${(runnerRow.p50 * 1000).toFixed(1)} µs vs ${(tapRow.p50 * 1000).toFixed(2)} µs); of its ${(runnerRow.p50 * 1000).toFixed(0)} µs, the bare IPC round trip is ${(warm.get('ipc').p50 * 1000).toFixed(0)} µs and an in-process isolate call ${(warm.get('isolate').p50 * 1000).toFixed(0)} µs.`,
      `Pipelined: ${pipeline.rps.toFixed(0)} calls/s through the runner vs ${tapPerSecond.toFixed(0)} calls/s for the in-process function (the runner is ${(tapPerSecond / pipeline.rps).toFixed(0)}× slower); messages are batched per event-loop turn each way.`,
      `Memory: runner RSS ${(emptyRss / 2 ** 20).toFixed(0)} MB empty, ${(loaded.rss / 2 ** 20).toFixed(0)} MB with ${keys.length} warm isolates (≈ ${((loaded.rss - emptyRss) / keys.length / 2 ** 20).toFixed(2)} MB each); idle heap ${heapMb.mean.toFixed(2)} MB mean, ${heapMb.max.toFixed(2)} MB max.`,
    ]
    return { results: results.map((row) => ({ url: null, non2xx: 0, errors: 0, timeouts: 0, requests: row.count, ratioToBaseline: row.ratio ?? 1, ...row })), notes, settings: { iterations, pipelined, window, installations: keys.length } }
  } finally {
    runner.stop()
    echo.child.kill()
    inProcess.dispose()
    rmSync(dir, { recursive: true, force: true })
  }
}


function budgetText(budget) {
  if (!budget) return '(reference)'
  const parts = []
  if (budget.p50MaxMs) parts.push(`p50 ≤ ${budget.p50MaxMs} ms`)
  if (budget.p99MaxMs) parts.push(`p99 ≤ ${budget.p99MaxMs} ms`)
  if (budget.minPerSecond) parts.push(`≥ ${budget.minPerSecond}/s`)
  if (budget.maxMb) parts.push(`≤ ${budget.maxMb} MB`)
  return parts.join(', ')
}

export const columns = [
  { header: 'target', cell: (r) => r.name },
  { header: 'rate', right: true, cell: (r) => (Number.isFinite(r.rps) ? `${fixed(r.rps, 0)}/s` : '—') },
  { header: 'p50 ms', right: true, cell: (r) => fixed(r.p50, 3) },
  { header: 'p99 ms', right: true, cell: (r) => fixed(r.p99, 3) },
  { header: 'value', right: true, cell: (r) => (r.value === undefined ? '—' : `${fixed(r.value, 2)} ${r.unit}`) },
  { header: '× in-process', right: true, cell: (r) => (r.ratio === undefined ? '—' : `${fixed(r.ratio, 1)}${r.ratioLabel ? ` ${r.ratioLabel}` : ''}`) },
  { header: 'budget', cell: (r) => budgetText(r.budget) },
  { header: 'pass/fail', cell: (r) => (r.pass === null ? '—' : r.pass ? 'PASS' : 'FAIL') },
]

export function failureReasons(r) {
  if (r.pass !== false) return []
  return [`${budgetText(r.budget)} not met (p50 ${fixed(r.p50, 3)} ms, p99 ${fixed(r.p99, 3)} ms, ${fixed(r.rps, 0)}/s${r.value === undefined ? '' : `, ${fixed(r.value, 2)} ${r.unit}`})`]
}
