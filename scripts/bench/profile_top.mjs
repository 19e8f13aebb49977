#!/usr/bin/env node
/*
 * The top costs of a V8 CPU profile (BENCH_PROFILE=1 writes them to bench/profiles/):
 *
 *   node scripts/bench/profile_top.mjs bench/profiles/CPU.….cpuprofile [rows=25]
 *
 * Prints self time by function (file:line), then inclusive time by function for the app's own
 * code (build/app, build/plugins, build/start: what a change in the sources can cut), then self
 * time by package / file. Lines are 1-based lines of the compiled JavaScript in build/; the
 * build keeps the sources' layout (tsc without bundling), so they sit close to the .ts lines.
 */
import { readFileSync } from 'node:fs'

const [file, rowsArg] = process.argv.slice(2)
if (!file) {
  process.stderr.write('usage: node scripts/bench/profile_top.mjs <file.cpuprofile> [rows]\n')
  process.exit(2)
}
const rows = Number(rowsArg) || 25
const profile = JSON.parse(readFileSync(file, 'utf8'))

const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const parent = new Map()
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)

// Self time per node from the samples and their time deltas (µs).
const self = new Map()
let total = 0
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0
  self.set(id, (self.get(id) ?? 0) + delta)
  total += delta
})

const shortUrl = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'node_modules/')
    .replace(/^.*\/build\//, 'build/')
const where = (frame) => (frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '(native)')
const label = (frame) => `${frame.functionName || '(anonymous)'} ${where(frame)}`
const idle = new Set(['(idle)', '(program)', '(garbage collector)'])

function table(title, map, limit = rows) {
  const sorted = [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)
  process.stdout.write(`\n${title}\n`)
  for (const [key, us] of sorted) {
    process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}\n`)
  }
}

const selfByFunction = new Map()
const selfByPackage = new Map()
const inclusiveOwn = new Map()
let idleUs = 0
for (const [id, us] of self) {
  const frame = byId.get(id).callFrame
  if (idle.has(frame.functionName)) {
    idleUs += us
    if (frame.functionName === '(idle)') continue
  }
  const key = label(frame)
  selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + us)
  const url = shortUrl(frame.url)
  const pkg = url.startsWith('node_modules/')
    ? url.split('/').slice(0, url.split('/')[1].startsWith('@') ? 3 : 2).join('/')
    : url.startsWith('build/')
      ? url
      : url.startsWith('node:')
        ? 'node: (core)'
        : frame.functionName || '(native)'
  selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + us)
  // Inclusive time of the app's own functions: each sample counts once per distinct frame on its stack.
  const seen = new Set()
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const callFrame = byId.get(at).callFrame
    if (!/\/build\/(app|plugins|start)\//.test(callFrame.url)) continue
    const own = label(callFrame)
    if (seen.has(own)) continue
    seen.add(own)
    inclusiveOwn.set(own, (inclusiveOwn.get(own) ?? 0) + us)
  }
}
const busy = total - (self.get([...byId.values()].find((n) => n.callFrame.functionName === '(idle)')?.id) ?? 0)

process.stdout.write(`${file}\n${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (${((busy / total) * 100).toFixed(0)} %)\n`)
table('Self time by function (% of the whole profile):', selfByFunction)
table("Inclusive time of the app's own functions (build/app, build/plugins, build/start):", inclusiveOwn)
table('Self time by package / file:', selfByPackage, Math.min(rows, 20))
